namespace Research.Core.Configuration;

/// <summary>
/// One entry of <c>variants</c>: its index, its name, the trees of the presets it <c>extends</c> (applied over the
/// experiment, before the set) and its <c>set</c> (null when empty), whose keys report errors as <c>variants[i].set.…</c>.
/// </summary>
internal sealed record VariantLayer(int Index, string Name, ConfigNode? Set)
{
    /// <summary>The variant's presets (<c>variants[i].extends</c>), outermost first, each with its own extends chain.</summary>
    public IReadOnlyList<ConfigNode> Presets { get; init; } = [];

    /// <summary>Applies the presets, then the set, to <paramref name="run"/>.</summary>
    public void ApplyTo(MergedConfig run)
    {
        foreach (var preset in Presets) run.Apply(preset);
        if (Set is not null) run.Apply(Set);
    }
}
