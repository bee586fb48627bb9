using static TorchSharp.torch;

namespace Research.Evaluation.Metrics;

/// <summary>
/// Inception Score IS = exp(E_x KL(p(y|x) ‖ p(y))) from class probabilities, computed per split and reported as
/// mean ± std over the splits.
/// </summary>
/// <remarks>
/// Salimans et al. 2016, "Improved Techniques for Training GANs" (arXiv:1606.03498), §4; docs/methods.md §7.3.
/// Splits follow the reference code: N // splits consecutive samples each, the remainder dropped; p(y) is the mean
/// of p(y|x) within a split. DDGAN reports 10 splits. 0·log 0 = 0. A classifier that puts all its mass on one class
/// for every sample, spread uniformly over K classes, scores K; one class for every sample scores 1.
/// </remarks>
public static class InceptionScore
{
    /// <summary>DDGAN's split count.</summary>
    public const int DefaultSplits = 10;

    /// <summary>IS from <paramref name="probabilities"/> <c>[N, K]</c> (rows sum to 1; N ≥ splits).</summary>
    public static MeanStd FromProbabilities(Tensor probabilities, int splits = DefaultSplits)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.dim() != 2) throw new ArgumentException($"Expected [N, K], got [{string.Join(", ", probabilities.shape)}].", nameof(probabilities));
        ArgumentOutOfRangeException.ThrowIfLessThan(splits, 1);
        var n = probabilities.shape[0];
        if (n < splits) throw new ArgumentException($"{n} samples cannot fill {splits} splits.", nameof(probabilities));
        using var scope = NewDisposeScope();
        var p = probabilities.detach().to(float64, CPU);                  // [N, K]
        if (p.lt(0).any().item<bool>() || !p.isfinite().all().item<bool>())
            throw new ArgumentException("Probabilities must be finite and non-negative.", nameof(probabilities));
        var rowSums = p.sum([1L]);
        if (rowSums.sub(1).abs().max().item<double>() > 1e-3)
            throw new ArgumentException("Probability rows must sum to 1 (pass softmax outputs, or use FromLogits).", nameof(probabilities));
        long size = n / splits;
        var scores = new double[splits];
        for (int s = 0; s < splits; s++)
        {
            var part = p.narrow(0, s * size, size);                        // [n/splits, K]
            var marginal = part.mean([0L], keepdim: true);                  // [1, K]
            var kl = (xlogy(part, part) - xlogy(part, marginal.expand_as(part))).sum([1L]); // [n/splits]
            scores[s] = Math.Exp(kl.mean().item<double>());
        }
        return MeanStd.Of(scores);
    }

    /// <summary>IS from <paramref name="logits"/> <c>[N, K]</c> (softmax in float64 first).</summary>
    public static MeanStd FromLogits(Tensor logits, int splits = DefaultSplits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        using var p = logits.detach().to(float64).softmax(1);
        return FromProbabilities(p, splits);
    }
}
