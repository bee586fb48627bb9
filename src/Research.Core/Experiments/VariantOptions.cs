namespace Research.Core.Experiments;

/// <summary>
/// One named variant of an experiment: <c>{ "name": "ddgan-t4", "set": { …partial experiment… } }</c>.
/// The loader layers <c>set</c> over the experiment (arrays replace whole) and validates the result
/// as an experiment of its own; errors name <c>variants[i].set.…</c>.
/// </summary>
public sealed class VariantOptions
{
    /// <summary>Variant name; it labels table rows and is appended to the run name.</summary>
    public string Name { get; set; } = "";

    /// <summary>
    /// The overriding keys, kept as flattened configuration pairs (<c>training:steps</c> → value)
    /// by the loader; not bound directly.
    /// </summary>
    public Dictionary<string, string?> Set { get; set; } = new();
}
