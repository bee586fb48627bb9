namespace Research.Evaluation.Metrics;

/// <summary>
/// Keys of the values in a run's <c>metrics.jsonl</c> lines (evaluation lines and training lines). Every writer (the
/// sample evaluator, <c>ImageMetrics</c>, the trainer, sweep points' <c>done.json</c>) and every reader (the comparison
/// table, <c>research table</c>, <c>research plot</c>, the sweep table, TensorBoard) uses these constants, never a string
/// of its own; they appear in results, so they never change. Families add their own loss and diagnostic keys.
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
    /// <summary>
    /// Percentage (0–100) of conditional samples that land in their requested class: judged by the evaluation extractor's
    /// classifier head (images) or by the nearest mode (2-D).
    /// </summary>
    public const string GuidedAccuracyPct = "guided_accuracy_pct";
    /// <summary>Neighbours k of precision/recall, written only when not 3.</summary>
    public const string PrecisionRecallK = "precision_recall_k";
    /// <summary>Judge: percentage (0–100) of samples classified with confidence ≥ τ.</summary>
    public const string RecognisablePct = "recognisable_pct";
    /// <summary>Judge: the confidence threshold τ behind <see cref="RecognisablePct"/> (StackedMNIST: <see cref="StackedRecognisablePct"/>).</summary>
    public const string RecognisableThreshold = "recognisable_threshold";
    /// <summary>Judge: KL divergence (nats) of the predicted-class histogram from uniform.</summary>
    public const string ClassKl = "class_kl";
    /// <summary>Judge: mean pairwise feature distance within each requested class, averaged over classes.</summary>
    public const string IntraClassDiversity = "intra_class_diversity";
    /// <summary>Peak resident memory in MiB during sampling.</summary>
    public const string PeakRssMiB = "peak_rss_mib";
    /// <summary>Name of the feature extractor behind fid/is/kid/precision/recall.</summary>
    public const string FeatureExtractor = "feature_extractor";
    /// <summary>The first 16 hex digits of the feature extractor's identity hash.</summary>
    public const string FeatureExtractorHash = "feature_extractor_hash";
    /// <summary>Number of reference (real) images behind the feature-space metrics.</summary>
    public const string ReferenceImages = "reference_images";
    /// <summary>Rows per KID subset.</summary>
    public const string KidSubsetSize = "kid_subset_size";
    /// <summary>
    /// When (UTC) <c>research eval --rescore</c> scored a request's stored samples again; absent on a line written when
    /// the samples were drawn.
    /// </summary>
    public const string Rescored = "rescored_utc";
    /// <summary>Number of samples scored.</summary>
    public const string NumSamples = "num_samples";
    /// <summary>Which data a family's diagnostics were measured on (e.g. "test split").</summary>
    public const string DiagnosticsData = "diagnostics_data";

    /// <summary>
    /// Reverse KL (nats) of the mode histogram from uniform, KL(p̂ ‖ U) (DDGAN's StackedMNIST protocol; <see cref="ModeHistogram"/>):
    /// 2-D, of the on-mode samples; StackedMNIST, of the modes the MNIST classifier reads from the three channels.
    /// </summary>
    public const string ModeKl = "mode_kl";
    /// <summary>StackedMNIST: the first 16 hex digits of the identity hash of the MNIST classifier that counted the modes.</summary>
    public const string ModeClassifierHash = "mode_classifier_hash";
    /// <summary>StackedMNIST: that classifier's accuracy (0–1) on the MNIST test split, as stored in its file.</summary>
    public const string ModeClassifierAccuracy = "mode_classifier_test_accuracy";
    /// <summary>
    /// StackedMNIST: percentage (0–100) of samples whose three channels the MNIST classifier all reads with confidence
    /// ≥ τ (<see cref="RecognisableThreshold"/>): three digits, not strokes the argmax assigns to some digit anyway.
    /// </summary>
    public const string StackedRecognisablePct = "recognisable_stacked_pct";
    /// <summary>StackedMNIST: modes (of 1000) with at least one sample counted in <see cref="StackedRecognisablePct"/>.</summary>
    public const string RecognisableModesCovered = "recognisable_modes_covered";
    /// <summary>2-D: mean over modes of ‖Σ̂ₖ − Σₖ‖_F / σ² (within-mode covariance error).</summary>
    public const string CovError = "cov_error";
    /// <summary>2-D: the largest per-mode covariance error.</summary>
    public const string CovErrorMax = "cov_error_max";
    /// <summary>2-D: unbiased Gaussian-kernel MMD² (bandwidth: the mode σ).</summary>
    public const string GaussMmd2 = "gauss_mmd2";
    /// <summary>2-D: sliced Wasserstein-1 distance, data-space units.</summary>
    public const string SlicedW1 = "sliced_w1";
    /// <summary>2-D: Fréchet distance on raw coordinates (SIDDM's "FID").</summary>
    public const string Frechet2D = "frechet";
    /// <summary>2-D: unbiased MMD², polynomial kernel (SIDDM's protocol).</summary>
    public const string Mmd2 = "mmd2";
    /// <summary>Modes covered: 2-D, by the high-quality rule; StackedMNIST, modes with at least one sample.</summary>
    public const string ModesCovered = "modes_covered";
    /// <summary>Number of modes of the data (2-D: 25 or 8; StackedMNIST: 1000).</summary>
    public const string NumModes = "num_modes";
    /// <summary>2-D: percentage of high-quality samples.</summary>
    public const string HighQualityPct = "high_quality_pct";
    /// <summary>2-D: how modes and high quality were counted (a footnote of the tables).</summary>
    public const string ModeFootnote = "mode_footnote";

    /// <summary>Training line: steps per second over the last log interval.</summary>
    public const string StepsPerSec = "steps_per_sec";
    /// <summary>Training line: live TorchSharp tensors of the training thread.</summary>
    public const string LiveTensors = "live_tensors";
    /// <summary>Training line: steps skipped by the NaN guard so far.</summary>
    public const string SkippedSteps = "skipped_steps";
    /// <summary>
    /// Training line: garbage collections of this process while a training or sampling step was open, so far; 0 means no
    /// native call of a step can have read a freed Scalar (<c>GcGuard</c>; docs/toolchain.md, "The Scalar finalizer race").
    /// </summary>
    public const string CollectionsInSteps = "collections_in_steps";
    /// <summary>
    /// Training line: all other collections outside <c>GcGuard</c>'s safe points so far (mostly while the run set up:
    /// loading data and checkpoints allocates past the guard's budget).
    /// </summary>
    public const string UnplannedCollections = "unplanned_collections";
    /// <summary>Training line: prefix of a network's learning rate (<c>lr.&lt;network&gt;</c>).</summary>
    public const string LearningRatePrefix = "lr.";
    /// <summary>Training line: prefix of a network's gradient norm (<c>grad_norm.&lt;network&gt;</c>).</summary>
    public const string GradNormPrefix = "grad_norm.";
}
