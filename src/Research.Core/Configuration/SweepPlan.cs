namespace Research.Core.Configuration;

/// <summary>An experiment file's sweep, expanded: every point validated before any of them runs.</summary>
/// <param name="SourcePath">Full path of the experiment file.</param>
/// <param name="Name">The sweep's name: its folder under the runs directory.</param>
/// <param name="SweptKeys">The swept JSON paths (grid, then zip), the columns of <c>results.csv</c>.</param>
/// <param name="HasVariants">The file's <c>variants</c> are one more dimension.</param>
/// <param name="HasSeeds">The sweep lists <c>seeds</c>.</param>
/// <param name="Points">Variants × grid × zip × seeds, in that nesting order (seeds innermost).</param>
public sealed record SweepPlan(string SourcePath, string Name, IReadOnlyList<string> SweptKeys, bool HasVariants, bool HasSeeds,
    IReadOnlyList<SweepPoint> Points);
