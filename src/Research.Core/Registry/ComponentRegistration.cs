namespace Research.Core.Registry;

/// <summary>
/// One registered component: a permanent key, its own options type (bound from
/// <c>&lt;section&gt;.options</c>) and a factory. Registered into DI by the <c>Add…</c> extensions.
/// </summary>
/// <param name="Kind">Which section of the experiment file selects it.</param>
/// <param name="Key">Permanent, lower-case, hyphenated key; it appears in results, so it never changes.</param>
/// <param name="OptionsType">The options type; must have a public parameterless constructor (defaults).</param>
/// <param name="Description">One line for <c>research list</c>.</param>
/// <param name="Factory">Creates the component: <c>(options, context) → component</c>; the typed <c>Add…</c> extensions wrap it.</param>
public sealed record ComponentRegistration(
    ComponentKind Kind,
    string Key,
    Type OptionsType,
    string Description,
    Func<object, object, object> Factory)
{
    /// <summary>
    /// Networks a parameterization trains (for example <c>denoiser</c>, or <c>generator</c> and
    /// <c>discriminator</c>). Known before any tensor exists so optimizer sections can be validated.
    /// </summary>
    public IReadOnlyList<string> Networks { get; init; } = [];

    /// <summary>Networks whose exponential moving average is kept and used for sampling.</summary>
    public IReadOnlyList<string> EmaNetworks { get; init; } = [];

    /// <summary>The assembly that registered it (built-in or a named plugin).</summary>
    public string Origin { get; init; } = "built-in";
}
