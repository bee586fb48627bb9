namespace Research.Core.Configuration;

/// <summary>A binding or validation problem at a JSON path, before its source file is looked up.</summary>
internal sealed record PathError(string Path, string Message);
