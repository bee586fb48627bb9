using Research.Core.Runtime;
using Research.Core.Sampling;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Losses;

/// <summary>
/// Improved DDPM's hybrid objective for an ε-network that learns its variance (Nichol &amp; Dhariwal, arXiv 2102.09672 §3.1,
/// eq. 16; docs/methods.md §3.4): L_hybrid = L_simple + λ·L_vlb, λ = 0.001, with L_vlb = L₀ + … + L_{T−1} estimated from one
/// uniform t as T·L_t (§2.1, the terms L₀, L_{t−1}, L_T), the mean μ_θ stop-gradiented inside L_vlb so that it trains Σ_θ only, L_t the Gaussian KL
/// for t &gt; 0 and the discretised Gaussian decoder NLL at t = 0, all in bits per dimension. With T = 1000 this is
/// guided-diffusion's <c>mse + vb</c> (its rescaled form multiplies vb by T/1000, which is this λ·T).
/// </summary>
public static class HybridLoss
{
    /// <summary>λ of IDDPM eq. 16.</summary>
    public const double DefaultVlbWeight = 0.001;

    /// <summary>Metric key of the logged L_vlb estimate T·E[L_t] in bits per dimension (without the prior term L_T).</summary>
    public const string VlbMetric = "vlb_bpd";

    /// <summary>
    /// L_t of each sample in bits per dimension <c>[B]</c> (IDDPM §2.1; DDPM eqs. 5 and 13): KL(q(x_{t−1} | x_t, x₀) ‖ p_θ(x_{t−1} | x_t))
    /// where t &gt; 0, −log p_θ(x₀ | x₁) under the discretised Gaussian where t = 0; means over every non-batch dimension,
    /// divided by ln 2. p_θ has mean μ̃_t(x̂₀(ε̂), x_t) (x̂₀ not clipped) and log-variance <see cref="NoiseSchedule.LearnedLogVariance"/>.
    /// </summary>
    /// <param name="schedule">The trained chain.</param>
    /// <param name="x0">Data <c>[B, …]</c> in [−1, 1].</param>
    /// <param name="xt">x_t drawn from q(x_t | x₀).</param>
    /// <param name="t">Indices int64 <c>[B]</c>.</param>
    /// <param name="eps">ε̂ (pass it detached for the hybrid loss's stop-gradient).</param>
    /// <param name="v">v ∈ [−1, 1], x's shape.</param>
    public static Tensor VlbTermsBits(NoiseSchedule schedule, Tensor x0, Tensor xt, Tensor t, Tensor eps, Tensor v)
    {
        using var scope = NewDisposeScope();
        var modelMean = schedule.QPosteriorMean(schedule.PredictX0FromEps(xt, t, eps), xt, t);
        var modelLogVar = schedule.LearnedLogVariance(v, t);
        var trueMean = schedule.QPosteriorMean(x0, xt, t);
        using var trueLogVar = schedule.QPosteriorLogVarianceClipped(t, x0.dim());
        var kl = MeanPerSample(GaussianDistributions.NormalKl(trueMean, trueLogVar, modelMean, modelLogVar));
        var nll = MeanPerSample(GaussianDistributions.DiscretizedLogLikelihood(x0, modelMean, modelLogVar.Times(0.5)).neg());
        return where(t.eq(0L), nll, kl).Over(Math.Log(2.0)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// L_hybrid for one batch whose draw (t, ε, x_t) is given: mean ‖ε − ε̂‖² over every element + λ·T·mean_b L_t, with ε̂
    /// detached inside L_t. <paramref name="vlbBits"/> is T·mean_b L_t (bits per dimension, detached) for logging.
    /// </summary>
    /// <param name="schedule">The trained chain (T = its length).</param>
    /// <param name="output">The network's output [ε̂, v] (<see cref="LearnedSigmaOutput"/>).</param>
    /// <param name="noise">The ε that made x_t.</param>
    /// <param name="x0">Data <c>[B, …]</c>.</param>
    /// <param name="xt">x_t.</param>
    /// <param name="t">Indices int64 <c>[B]</c>.</param>
    /// <param name="vlbWeight">λ (<see cref="DefaultVlbWeight"/>).</param>
    /// <param name="vlbBits">The L_vlb estimate in bits per dimension.</param>
    public static Tensor Compute(NoiseSchedule schedule, Tensor output, Tensor noise, Tensor x0, Tensor xt, Tensor t, double vlbWeight,
        out Tensor vlbBits)
    {
        using var scope = NewDisposeScope();
        var eps = LearnedSigmaOutput.Eps(output);
        var simple = nn.functional.mse_loss(eps, noise);
        var vlb = VlbTermsBits(schedule, x0, xt, t, eps.detach(), LearnedSigmaOutput.V(output)).mean().Times(schedule.NumTimesteps);
        var loss = simple + vlb.Times(vlbWeight);
        vlbBits = vlb.detach().MoveToOuterDisposeScope();
        return loss.MoveToOuterDisposeScope();
    }

    private static Tensor MeanPerSample(Tensor x) => x.flatten(1).mean([1]);
}
