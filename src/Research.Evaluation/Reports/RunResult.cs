namespace Research.Evaluation.Reports;

/// <summary>One evaluation line of a finished run (<c>metrics.jsonl</c>), as <c>research table</c> and <c>research plot</c> read it.</summary>
/// <param name="RunFolder">Absolute path of the run folder.</param>
/// <param name="Method">The line's <c>method</c> (variant or family), or the folder name when absent.</param>
/// <param name="Eval">The sampling request's label (<c>eval</c>).</param>
/// <param name="Nfe">Network evaluations per sample, if recorded.</param>
/// <param name="MsPer1000">Warm median milliseconds per 1,000 samples, if recorded.</param>
/// <param name="Step">Training step of the evaluated weights, if recorded.</param>
/// <param name="Metrics">Every other numeric value of the line, by key (see <c>MetricKeys</c>).</param>
/// <param name="Notes">Every other string value of the line, by key (e.g. <c>mode_footnote</c>).</param>
/// <param name="Seed">The run's seed (<c>run.json</c>, else <c>resolved.json</c>), if recorded.</param>
/// <param name="RunName">The run's name (<c>resolved.json</c>'s <c>name</c>: experiment and variant), if recorded.</param>
public sealed record RunResult(
    string RunFolder, string Method, string Eval, int? Nfe, double? MsPer1000, long? Step,
    IReadOnlyDictionary<string, double> Metrics, IReadOnlyDictionary<string, string> Notes, long? Seed = null, string? RunName = null)
{
    /// <summary>The value of metric <paramref name="key"/>, or null.</summary>
    public double? Metric(string key) => Metrics.TryGetValue(key, out var v) ? v : null;
}
