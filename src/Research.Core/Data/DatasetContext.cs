namespace Research.Core.Data;

/// <summary>What a dataset factory may know: where data files live and the experiment seed.</summary>
/// <param name="DataRoot">Folder holding downloaded data files (default <c>.data/</c> under the working directory).</param>
/// <param name="Seed">The experiment seed (datasets that generate points derive their own seed from options, not this).</param>
public sealed record DatasetContext(string DataRoot, long Seed);
