using Research.Evaluation.Metrics;

namespace Research.Evaluation.Reports;

/// <summary>
/// Chooses the metrics of the generative trilemma (DDGAN, arXiv:2112.07804, §1: sample quality, mode coverage,
/// sampling speed) from whatever a set of runs measured. Quality: KID when any run has it (unbiased at any n, so rows
/// scored at different sample counts stay comparable; docs/metrics.md), else FID; in 2-D the Gaussian-kernel MMD² with a
/// bandwidth near the mode width (it sees inside modes, docs/methods.md §7.5), else the 2-D Fréchet distance, which
/// compares only the mixture's mean and covariance. Coverage: recall when any run has it, else the fraction of modes covered.
/// </summary>
public static class TrilemmaMetrics
{
    /// <summary>The quality axis for <paramref name="results"/>, or null when none has a quality metric.</summary>
    public static TrilemmaAxis? QualityAxis(IReadOnlyList<RunResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Any(r => r.Metric(MetricKeys.Kid) is not null)) return new TrilemmaAxis(MetricKeys.Kid, "KID ↓");
        if (results.Any(r => r.Metric(MetricKeys.Fid) is not null)) return new TrilemmaAxis(MetricKeys.Fid, "FID ↓");
        if (results.Any(r => r.Metric(MetricKeys.GaussMmd2) is not null)) return new TrilemmaAxis(MetricKeys.GaussMmd2, "Gaussian MMD² (2-D) ↓");
        if (results.Any(r => r.Metric(MetricKeys.Frechet2D) is not null)) return new TrilemmaAxis(MetricKeys.Frechet2D, "Fréchet distance (2-D) ↓");
        return null;
    }

    /// <summary>The coverage axis for <paramref name="results"/>, or null when none has a coverage metric.</summary>
    public static TrilemmaAxis? CoverageAxis(IReadOnlyList<RunResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Any(r => r.Metric(MetricKeys.Recall) is not null)) return new TrilemmaAxis(MetricKeys.Recall, "Recall ↑");
        if (results.Any(r => r.Metric(MetricKeys.ModesCovered) is not null)) return new TrilemmaAxis(MetricKeys.ModesCovered, "Modes covered ↑");
        return null;
    }

    /// <summary>Coverage of one result as a fraction in [0, 1] (recall, or modes covered / modes), or null.</summary>
    public static double? Coverage(RunResult result, TrilemmaAxis axis)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(axis);
        if (axis.Key != MetricKeys.ModesCovered) return result.Metric(axis.Key);
        return result.Metric(MetricKeys.ModesCovered) is { } covered && result.Metric(MetricKeys.NumModes) is { } modes && modes > 0
            ? covered / modes
            : null;
    }
}
