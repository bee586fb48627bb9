using Research.Evaluation.Metrics;

namespace Research.Evaluation.Images;

/// <summary>Feature-space metrics of one set of image samples against the reference images (docs/methods.md §7).</summary>
/// <param name="Fid">Fréchet distance of the feature Gaussians (Heusel et al. 2017).</param>
/// <param name="Kid">KID, mean ± std over subsets (Bińkowski et al. 2018).</param>
/// <param name="KidSubsetSize">Rows per KID subset: min(1000, reference count, sample count).</param>
/// <param name="PrecisionRecall">Improved precision and recall, k = <see cref="PrecisionRecallK"/> (Kynkäänniemi et al. 2019).</param>
/// <param name="InceptionScore">IS over 10 splits (fewer when there are fewer than 10 samples), or null when not requested.</param>
/// <param name="Extractor">The extractor's name.</param>
/// <param name="ExtractorHash">Its identity hash (covers every weight).</param>
public sealed record ImageMetrics(double Fid, MeanStd Kid, int KidSubsetSize, PrecisionRecallResult PrecisionRecall, MeanStd? InceptionScore,
    string Extractor, string ExtractorHash)
{
    /// <summary>Neighbours k of <see cref="PrecisionRecall"/>.</summary>
    public int PrecisionRecallK { get; init; } = Metrics.PrecisionRecall.DefaultK;

    /// <summary>Percentage of samples the judge classifies with confidence ≥ <see cref="RecognisableThreshold"/> (null without τ).</summary>
    public double? RecognisablePct { get; init; }

    /// <summary>The threshold τ behind <see cref="RecognisablePct"/>.</summary>
    public double? RecognisableThreshold { get; init; }

    /// <summary>KL (nats) of the judge's predicted-class histogram from uniform (null without a classifier head).</summary>
    public double? ClassKl { get; init; }

    /// <summary>Mean pairwise feature distance within each requested class, averaged over classes (labelled requests only).</summary>
    public double? IntraClassDiversity { get; init; }

    /// <summary>The values under their <see cref="MetricKeys"/> names, as <c>metrics.jsonl</c> and the tables read them.</summary>
    public Dictionary<string, object> ToMetrics()
    {
        var m = new Dictionary<string, object>
        {
            [MetricKeys.Fid] = Math.Round(Fid, 4),
            [MetricKeys.Kid] = Kid.Mean,
            [MetricKeys.KidStd] = Kid.Std,
            [MetricKeys.Precision] = Math.Round(PrecisionRecall.Precision, 4),
            [MetricKeys.Recall] = Math.Round(PrecisionRecall.Recall, 4),
            [MetricKeys.FeatureExtractor] = Extractor,
            [MetricKeys.FeatureExtractorHash] = ExtractorHash[..Math.Min(16, ExtractorHash.Length)],
            [MetricKeys.ReferenceImages] = PrecisionRecall.RealCount,
            [MetricKeys.NumSamples] = PrecisionRecall.GeneratedCount,
            [MetricKeys.KidSubsetSize] = KidSubsetSize,
        };
        if (PrecisionRecallK != Metrics.PrecisionRecall.DefaultK) m[MetricKeys.PrecisionRecallK] = PrecisionRecallK;
        if (RecognisablePct is { } r) m[MetricKeys.RecognisablePct] = Math.Round(r, 3);
        if (RecognisableThreshold is { } tau) m[MetricKeys.RecognisableThreshold] = tau;
        if (ClassKl is { } kl) m[MetricKeys.ClassKl] = Math.Round(kl, 5);
        if (IntraClassDiversity is { } d && double.IsFinite(d)) m[MetricKeys.IntraClassDiversity] = Math.Round(d, 5);
        if (InceptionScore is { } score)
        {
            m[MetricKeys.InceptionScore] = Math.Round(score.Mean, 4);
            m[MetricKeys.InceptionScoreStd] = Math.Round(score.Std, 4);
        }
        return m;
    }
}
