using Research.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Losses;

/// <summary>
/// The two Gaussian quantities of the variational bound, elementwise and in nats (docs/methods.md §3.4): the KL divergence
/// between diagonal Gaussians (the terms L_{t−1} of DDPM, arXiv 2006.11239 eq. 5, and improved DDPM, Nichol &amp; Dhariwal,
/// arXiv 2102.09672 §2.1) and the discretised Gaussian log-likelihood of 8-bit data scaled to [−1, 1] (the decoder term L₀,
/// DDPM eq. 13, IDDPM §2.1). Families and plugins call these; none keeps a copy.
/// </summary>
public static class GaussianDistributions
{
    /// <summary>
    /// KL(N(μ₁, e^{ℓ₁}) ‖ N(μ₂, e^{ℓ₂})) = ½(−1 + ℓ₂ − ℓ₁ + e^{ℓ₁ − ℓ₂} + (μ₁ − μ₂)² e^{−ℓ₂}), elementwise, in nats.
    /// Arguments broadcast against each other (a log-variance may be <c>[B, 1, …]</c>).
    /// </summary>
    /// <param name="mean1">μ₁ of the first Gaussian (the true posterior q(x_{t−1} | x_t, x₀)).</param>
    /// <param name="logVar1">ℓ₁ = log σ₁².</param>
    /// <param name="mean2">μ₂ of the second Gaussian (the model p_θ(x_{t−1} | x_t)).</param>
    /// <param name="logVar2">ℓ₂ = log σ₂².</param>
    public static Tensor NormalKl(Tensor mean1, Tensor logVar1, Tensor mean2, Tensor logVar2)
    {
        using var scope = NewDisposeScope();
        var kl = (logVar2 - logVar1 + (logVar1 - logVar2).exp() + (mean1 - mean2).square() * logVar2.neg().exp()).Plus(-1.0).Times(0.5);
        return kl.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Φ(x) ≈ ½(1 + tanh(√(2/π)(x + 0.044715 x³))), the tanh approximation of the standard normal CDF that DDPM's and
    /// IDDPM's discretised decoder use (so bits per dimension compare with their tables).
    /// </summary>
    public static Tensor ApproxStandardNormalCdf(Tensor x)
    {
        using var scope = NewDisposeScope();
        var inner = (x + x.square().mul(x).Times(0.044715)).Times(Math.Sqrt(2.0 / Math.PI));
        return inner.tanh().Plus(1.0).Times(0.5).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// log p(x) of data x ∈ [−1, 1] on <paramref name="bins"/> equal bins (8-bit: 256, half-width 1/255) under N(μ, e^{2 log s}):
    /// log[Φ((x + δ − μ)/s) − Φ((x − δ − μ)/s)] with δ the half-width, the lowest bin extended to −∞ and the highest to +∞
    /// (DDPM eq. 13; IDDPM §2.1). Probabilities are floored at 1e-12 before the log. Elementwise, in nats.
    /// </summary>
    /// <param name="x">Data x₀ in [−1, 1].</param>
    /// <param name="mean">μ_θ(x₁, 1), broadcastable to x.</param>
    /// <param name="logScale">log s = ½ log Σ, broadcastable to x.</param>
    /// <param name="bins">Number of quantisation levels (256 for 8-bit images).</param>
    public static Tensor DiscretizedLogLikelihood(Tensor x, Tensor mean, Tensor logScale, int bins = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 2);
        using var scope = NewDisposeScope();
        double halfWidth = 1.0 / (bins - 1);
        var centered = x - mean;
        var invStd = logScale.neg().exp();
        var cdfPlus = ApproxStandardNormalCdf(invStd * centered.Plus(halfWidth));
        var cdfMin = ApproxStandardNormalCdf(invStd * centered.Plus(-halfWidth));
        var logCdfPlus = cdfPlus.clamp_min(1e-12).log();                 // lowest bin: P(X ≤ x + δ)
        var logOneMinusCdfMin = cdfMin.neg().Plus(1.0).clamp_min(1e-12).log();  // highest bin: P(X > x − δ)
        var logDelta = (cdfPlus - cdfMin).clamp_min(1e-12).log();
        double edge = 1.0 - halfWidth / 2;                                // between the last two bin centres
        var logProbs = where(x.lt(-edge), logCdfPlus, where(x.gt(edge), logOneMinusCdfMin, logDelta));
        return logProbs.MoveToOuterDisposeScope();
    }
}
