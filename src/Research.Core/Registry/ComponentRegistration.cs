using Research.Core.Data;
using Research.Core.Experiments;

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

    /// <summary>
    /// A family's or backbone's checks of the whole run (<c>(options, facts) → messages</c>, each starting with the JSON path
    /// from the root it is about); null = none. Run by validation before any tensor exists.
    /// </summary>
    public Func<object, RunFacts, IEnumerable<string>>? CheckRun { get; init; }

    /// <summary>
    /// A family's checks of one sampling request (<c>(options, request, facts) → messages</c>, each starting with the
    /// request's key); null = only the checks every family gets.
    /// </summary>
    public Func<object, SamplingOptions, RunFacts, IEnumerable<string>>? CheckSampling { get; init; }

    /// <summary>A dataset's description of its data from its options alone (no file read); null = nothing known.</summary>
    public Func<object, DataDescription>? DescribeData { get; init; }

    /// <summary>
    /// A dataset's cheap check of its files (headers only, no tensor): the refined description and the problems, each
    /// naming the file. Null = nothing to read before loading.
    /// </summary>
    public Func<object, DatasetContext, DataProbe>? ProbeData { get; init; }
}
