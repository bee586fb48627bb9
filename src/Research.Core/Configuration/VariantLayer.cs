using Research.Core.Experiments;

namespace Research.Core.Configuration;

/// <summary>
/// One entry of <c>variants</c>: its index, its name and flattened <c>set</c>, the layers of the presets it
/// <c>extends</c> (applied over the experiment, before the set) and that set as a layer.
/// </summary>
internal sealed record VariantLayer(int Index, VariantOptions Variant, ConfigLayer Layer)
{
    /// <summary>The variant's presets (<c>variants[i].extends</c>), outermost first, each with its own extends chain.</summary>
    public IReadOnlyList<ConfigLayer> Presets { get; init; } = [];

    /// <summary>Applies the presets, then the set, to <paramref name="run"/>.</summary>
    public void ApplyTo(MergedConfig run)
    {
        foreach (var preset in Presets) run.Apply(preset);
        run.Apply(Layer);
    }
}
