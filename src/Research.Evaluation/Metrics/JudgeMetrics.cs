using static TorchSharp.torch;

namespace Research.Evaluation.Metrics;

/// <summary>
/// What the judge (the evaluation classifier, trained on the training split only) says about a set of samples beyond
/// its features: the share it recognises confidently, how evenly its predicted classes are spread, and how varied the
/// samples of one requested class are (docs/metrics.md, "Judge metrics").
/// </summary>
public static class JudgeMetrics
{
    /// <summary>Share (percent) of real test images that the stored threshold τ is chosen to recognise.</summary>
    public const double RealRecognisedTargetPct = 90;

    /// <summary>
    /// Percentage (0–100) of rows of <paramref name="probabilities"/> <c>[N, K]</c> (softmax outputs) whose largest
    /// probability is ≥ <paramref name="threshold"/> τ ∈ (0, 1).
    /// </summary>
    public static double RecognisablePercent(Tensor probabilities, double threshold)
    {
        Check(probabilities);
        if (!(threshold > 0 && threshold < 1)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "τ must lie in (0, 1).");
        using var scope = NewDisposeScope();
        var confidence = probabilities.to_type(ScalarType.Float64).max(1).values;
        return 100.0 * confidence.ge(threshold).sum().item<long>() / probabilities.shape[0];
    }

    /// <summary>
    /// KL divergence, in nats, of the histogram of predicted classes (argmax of each row of <paramref name="probabilities"/>
    /// <c>[N, K]</c>) from the uniform distribution over K classes: Σ_k p̂_k ln(K p̂_k), with 0 ln 0 = 0. 0 for perfectly
    /// balanced classes, ln K when every sample falls in one class.
    /// </summary>
    public static double ClassKl(Tensor probabilities)
    {
        Check(probabilities);
        long k = probabilities.shape[1];
        using var scope = NewDisposeScope();
        var counts = probabilities.argmax(1).bincount(null, k).data<long>().ToArray();
        return ModeHistogram.ReverseKlFromUniform(counts);
    }

    /// <summary>
    /// Intra-class diversity: for each class of <paramref name="labels"/> <c>[N]</c> with at least two samples, the mean
    /// Euclidean distance between the <paramref name="features"/> <c>[N, d]</c> of distinct pairs of its samples, then the
    /// mean over those classes. NaN when no class has two samples. Low values flag guidance that collapses a class.
    /// </summary>
    public static double IntraClassDiversity(Tensor features, Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (features.dim() != 2 || labels.dim() != 1 || labels.shape[0] != features.shape[0])
            throw new ArgumentException($"Expected features [N, d] and labels [N], got [{string.Join(", ", features.shape)}] and [{string.Join(", ", labels.shape)}].");
        using var scope = NewDisposeScope();
        var f = features.to_type(ScalarType.Float64).cpu();
        var y = labels.to_type(ScalarType.Int64).cpu();
        var means = new List<double>();
        foreach (var c in y.unique().Item1.data<long>().ToArray())
        {
            var rows = f.index_select(0, y.eq(c).nonzero().squeeze(1));            // [n_c, d]
            long n = rows.shape[0];
            if (n < 2) continue;
            double sum = cdist(rows, rows).sum().item<double>();                    // diagonal is 0
            means.Add(sum / (n * (n - 1)));
        }
        return means.Count == 0 ? double.NaN : means.Average();
    }

    /// <summary>
    /// τ such that <see cref="RealRecognisedTargetPct"/> % of the rows of <paramref name="probabilities"/> (the judge on real
    /// test images) have a largest probability ≥ τ: the (100 − target) % lower quantile of those confidences (the
    /// ⌊N·(1 − target/100)⌋-th smallest), kept inside (0, 1).
    /// </summary>
    public static double ThresholdFor(Tensor probabilities, double targetPct = RealRecognisedTargetPct)
    {
        Check(probabilities);
        if (!(targetPct > 0 && targetPct < 100)) throw new ArgumentOutOfRangeException(nameof(targetPct), targetPct, "Must lie in (0, 100).");
        using var scope = NewDisposeScope();
        var sorted = probabilities.to_type(ScalarType.Float64).max(1).values.sort().Values.data<double>().ToArray();
        int index = (int)Math.Floor(sorted.Length * (100 - targetPct) / 100);   // not 1 − t/100: 1 − 0.9 falls below 0.1
        return Math.Clamp(sorted[Math.Min(index, sorted.Length - 1)], 1e-6, 1 - 1e-6);
    }

    private static void Check(Tensor probabilities)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.dim() != 2 || probabilities.shape[0] == 0 || probabilities.shape[1] < 2)
            throw new ArgumentException($"Expected probabilities [N ≥ 1, K ≥ 2], got [{string.Join(", ", probabilities.shape)}].", nameof(probabilities));
    }
}
