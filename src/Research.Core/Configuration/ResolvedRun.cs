using Research.Core.Experiments;

namespace Research.Core.Configuration;

/// <summary>One fully resolved, validated run of an experiment.</summary>
/// <param name="Name">
/// The run name: the experiment's <c>name</c>, or <c>&lt;name&gt;-&lt;variant&gt;</c> for a variant
/// (also stored in <see cref="ExperimentOptions.Name"/> so <see cref="ResolvedJson"/> stands alone).
/// </param>
/// <param name="Variant">The variant's name, or null when the file has no variants.</param>
/// <param name="Options">The bound options: every default filled, component options of their registered types.</param>
/// <param name="ResolvedJson">
/// <see cref="Options"/> as indented snake_case JSON (<c>extends</c> and <c>variants</c> empty); what
/// <c>resolved.json</c> and checkpoints hold. Loading it again yields the identical JSON.
/// </param>
public sealed record ResolvedRun(string Name, string? Variant, ExperimentOptions Options, string ResolvedJson)
{
    /// <summary>
    /// Where each key written in the layers came from: JSON path (<c>training.steps</c>,
    /// <c>sampling[0].steps</c>) → file (full path) or <c>--set</c>. Keys left at their defaults are absent.
    /// </summary>
    public IReadOnlyDictionary<string, string> KeySources { get; init; } = new Dictionary<string, string>();

    /// <summary>
    /// The method name of this run's result rows (the <c>method</c> of its evaluation lines in <c>metrics.jsonl</c>): the
    /// variant (a sweep point's id), else the parameterization type. Recorded in <c>run.json</c> so that
    /// <c>research eval</c> names its rows the same way and one run never splits into two rows of a table.
    /// </summary>
    public string Method => Variant ?? Options.Parameterization.Type;
}
