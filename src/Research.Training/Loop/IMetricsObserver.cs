using Research.Evaluation.Reports;

namespace Research.Training.Loop;

/// <summary>
/// Receives what a run records, as the run folder records it: every <c>metrics.jsonl</c> line (the loop's log lines
/// and each evaluation row) and every sample picture. Attached to a <see cref="Runs.RunFolder"/>, which disposes it.
/// </summary>
public interface IMetricsObserver : IDisposable
{
    /// <summary>
    /// One metrics line. Training lines hold <c>step</c>, losses, <c>lr.&lt;network&gt;</c>, <c>grad_norm.&lt;network&gt;</c>,
    /// <c>steps_per_sec</c>, …; evaluation lines also <c>eval</c> (the request's label) and its metrics.
    /// </summary>
    void OnMetrics(IReadOnlyDictionary<string, object> line);

    /// <summary>A sample picture (grid or scatter) of the request <paramref name="label"/> evaluated at <paramref name="step"/>.</summary>
    void OnImage(string label, long step, EncodedImage image);
}
