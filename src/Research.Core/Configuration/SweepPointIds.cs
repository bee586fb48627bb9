using System.Globalization;

namespace Research.Core.Configuration;

/// <summary>
/// The naming convention of sweep point folders, <c>variant_label=value_…_seed=N</c>: one copy, used by the sweep that
/// writes the names and by the reports that group a point's seeds back together (<c>research table --mean-over-seeds</c>).
/// </summary>
public static class SweepPointIds
{
    /// <summary>Separator between the parts of a point id.</summary>
    public const char Separator = '_';

    /// <summary>Id of a point with no variant, no swept value and no seed.</summary>
    public const string Base = "base";

    /// <summary>The seed part of a point id, <c>seed=N</c>.</summary>
    public static string SeedPart(long seed) => "seed=" + seed.ToString(CultureInfo.InvariantCulture);

    /// <summary>Joins the parts of a point id; <see cref="Base"/> when there are none.</summary>
    public static string Join(IReadOnlyCollection<string> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        return parts.Count == 0 ? Base : string.Join(Separator, parts);
    }

    /// <summary>
    /// <paramref name="id"/> without its trailing seed part for <paramref name="seed"/> (<c>t4_seed=2</c> → <c>t4</c>,
    /// <c>seed=2</c> → <see cref="Base"/>); any other name is returned unchanged.
    /// </summary>
    public static string WithoutSeed(string id, long seed)
    {
        ArgumentNullException.ThrowIfNull(id);
        var part = SeedPart(seed);
        if (id == part) return Base;
        var suffix = Separator + part;
        return id.EndsWith(suffix, StringComparison.Ordinal) && id.Length > suffix.Length ? id[..^suffix.Length] : id;
    }
}
