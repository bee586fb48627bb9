namespace Research.Core.Configuration;

/// <summary>One point of a sweep: a fully resolved, validated run plus the values that define it.</summary>
/// <param name="Id">Stable, readable folder name, e.g. <c>ddgan-t4_T=8_seed=2</c>.</param>
/// <param name="Values">Swept JSON path → value as written (<c>#i</c> for an array or object value), in sweep order.</param>
/// <param name="Seed">The seed of this point (the file's own when the sweep lists none).</param>
/// <param name="Run">The run, as <see cref="ExperimentLoader.Load"/> would resolve it with the point's values set.</param>
public sealed record SweepPoint(string Id, IReadOnlyList<KeyValuePair<string, string>> Values, long Seed, ResolvedRun Run)
{
    /// <summary>The variant of this point, or null.</summary>
    public string? Variant => Run.Variant;
}
