namespace Research.Core.Configuration;

/// <summary>The <c>sweep</c> section of an experiment file, read and checked.</summary>
/// <param name="Name">The sweep's folder name, or null for the experiment's name.</param>
/// <param name="Dimensions">The grid keys, then the zip group, in that order.</param>
/// <param name="Seeds">Seeds to repeat every point with (empty: the file's own seed only).</param>
/// <param name="Labels">Short labels for point ids, by swept key (default: the key's last segment).</param>
internal sealed record SweepSection(string? Name, IReadOnlyList<SweepDimension> Dimensions, IReadOnlyList<long> Seeds,
    IReadOnlyDictionary<string, string> Labels);
