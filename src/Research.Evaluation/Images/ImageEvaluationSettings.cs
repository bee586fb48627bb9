namespace Research.Evaluation.Images;

/// <summary>What <see cref="ImageEvaluator"/> compares against and how.</summary>
/// <param name="DatasetKey">Registry key of the data set (cache file names), e.g. <c>mnist</c>.</param>
/// <param name="DatasetIdentity">
/// Everything that changes the real images (the data section's options: split, size, limit, root …); part of the
/// cache key together with the reference count and seed.
/// </param>
/// <param name="ReferenceImages">Real images in the reference set (all, when the data set is smaller).</param>
/// <param name="BatchSize">Images per extractor call.</param>
/// <param name="InceptionScore">Also compute the Inception Score (needs an extractor with class logits).</param>
/// <param name="CacheRoot">Folder of the <see cref="Metrics.StatisticsCache"/>.</param>
/// <param name="PrecisionRecallK">Neighbours k of improved precision and recall (default 3).</param>
/// <param name="RecognisableThreshold">The judge's confidence threshold τ ∈ (0, 1), or null for no recognisable %.</param>
public sealed record ImageEvaluationSettings(string DatasetKey, string DatasetIdentity, int ReferenceImages, int BatchSize,
    bool InceptionScore, string CacheRoot, int PrecisionRecallK = Metrics.PrecisionRecall.DefaultK, double? RecognisableThreshold = null);
