namespace Research.Evaluation.Metrics;

/// <summary>
/// Keys of the metric values in a run's <c>metrics.jsonl</c> evaluation lines. Writers (the sample evaluator) and
/// readers (<c>research table</c>, <c>research plot</c>) use these names; they appear in results, so they never change.
/// </summary>
public static class MetricKeys
{
    /// <summary>The sampling request's label: its presence marks an evaluation line.</summary>
    public const string Eval = "eval";
    /// <summary>Method (variant or family) name.</summary>
    public const string Method = "method";
    /// <summary>Network evaluations per sample.</summary>
    public const string Nfe = "nfe";
    /// <summary>Warm median wall-clock milliseconds per 1,000 samples.</summary>
    public const string MsPer1000 = "ms_per_1000";
    /// <summary>Training step of the evaluated weights.</summary>
    public const string Step = "step";
    /// <summary>
    /// The keys of a line whose values were NaN or ±Inf (a diverged model): JSON has no such numbers, so they are written
    /// as <c>null</c> and named in this list; readers take them as NaN.
    /// </summary>
    public const string NonFinite = "non_finite";

    /// <summary>FID (Inception or the configured extractor).</summary>
    public const string Fid = "fid";
    /// <summary>Inception Score mean over splits.</summary>
    public const string InceptionScore = "is";
    /// <summary>Inception Score std over splits.</summary>
    public const string InceptionScoreStd = "is_std";
    /// <summary>KID mean over subsets.</summary>
    public const string Kid = "kid";
    /// <summary>KID std over subsets.</summary>
    public const string KidStd = "kid_std";
    /// <summary>Improved precision (k = 3).</summary>
    public const string Precision = "precision";
    /// <summary>Improved recall (k = 3).</summary>
    public const string Recall = "recall";
    /// <summary>Fraction of conditional samples classified as their requested label.</summary>
    public const string GuidedAccuracy = "guided_accuracy";
    /// <summary>Peak resident memory in MiB during sampling.</summary>
    public const string PeakRssMiB = "peak_rss_mib";
    /// <summary>Name of the feature extractor behind fid/is/kid/precision/recall.</summary>
    public const string FeatureExtractor = "feature_extractor";

    /// <summary>2-D: Fréchet distance on raw coordinates (SIDDM's "FID").</summary>
    public const string Frechet2D = "frechet";
    /// <summary>2-D: unbiased MMD².</summary>
    public const string Mmd2 = "mmd2";
    /// <summary>2-D: modes covered.</summary>
    public const string ModesCovered = "modes_covered";
    /// <summary>2-D: number of modes of the data.</summary>
    public const string NumModes = "num_modes";
    /// <summary>2-D: percentage of high-quality samples.</summary>
    public const string HighQualityPct = "high_quality_pct";
}
