namespace Research.Core.Configuration;

/// <summary>
/// Where a configuration key came from: the file (full path) or <c>--set</c>, and, for a key layered
/// from a variant's <c>set</c>, the prefix <c>variants[i].set.</c> that error paths get.
/// </summary>
internal sealed record KeyOrigin(string Source, string PathPrefix = "");
