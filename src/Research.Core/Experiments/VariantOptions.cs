namespace Research.Core.Experiments;

/// <summary>
/// One named variant of an experiment: <c>{ "name": "ddgan-t4", "extends": …, "set": { …partial experiment… } }</c>.
/// The loader expands variants on the JSON tree before binding (<c>VariantExpander</c>: presets, then <c>set</c> layered
/// over the experiment, arrays replacing whole) and validates each result as an experiment of its own; errors name
/// <c>variants[i].set.…</c>. A bound run therefore has no variants; this type names the entry for documentation.
/// </summary>
public sealed class VariantOptions
{
    /// <summary>Variant name; it labels table rows and is appended to the run name.</summary>
    public string Name { get; set; } = "";
}
