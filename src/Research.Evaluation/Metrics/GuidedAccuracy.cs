using Research.Evaluation.Features;
using static TorchSharp.torch;

namespace Research.Evaluation.Metrics;

/// <summary>
/// Guided accuracy: the fraction of class-conditional samples that a given classifier assigns to the label they
/// were generated for (how well classifier guidance steers).
/// </summary>
/// <remarks>
/// Dhariwal &amp; Nichol 2021 ("Diffusion Models Beat GANs", arXiv:2105.05233) discuss guidance trading diversity for
/// fidelity; this is the accuracy check used alongside FID/IS/P&amp;R. Use an evaluation classifier that was not the
/// guidance classifier, or the number only measures how well the sampler fooled its own guide.
/// </remarks>
public static class GuidedAccuracy
{
    /// <summary>Fraction of rows of <paramref name="logits"/> <c>[N, K]</c> whose arg-max equals <paramref name="requestedLabels"/> <c>[N]</c>.</summary>
    public static double FromLogits(Tensor logits, Tensor requestedLabels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(requestedLabels);
        if (logits.dim() != 2 || requestedLabels.dim() != 1 || logits.shape[0] != requestedLabels.shape[0] || logits.shape[0] == 0)
            throw new ArgumentException($"Expected logits [N, K] and labels [N], got [{string.Join(", ", logits.shape)}] and [{string.Join(", ", requestedLabels.shape)}].");
        using var predicted = logits.argmax(1);
        using var labels = requestedLabels.to(int64, predicted.device);
        using var hits = predicted.eq(labels).sum();
        return hits.item<long>() / (double)logits.shape[0];
    }

    /// <summary>
    /// Classifies <paramref name="samples"/> <c>[N, C, H, W]</c> in [−1, 1] with <paramref name="classifier"/> in batches
    /// and compares with <paramref name="requestedLabels"/> <c>[N]</c>.
    /// </summary>
    public static double Compute(IFeatureExtractor classifier, Tensor samples, Tensor requestedLabels, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        if (classifier.NumClasses == 0) throw new ArgumentException($"{classifier.Name} has no classifier head.", nameof(classifier));
        using var logits = FeatureExtraction.Logits(classifier, samples, batchSize);
        return FromLogits(logits, requestedLabels);
    }
}
