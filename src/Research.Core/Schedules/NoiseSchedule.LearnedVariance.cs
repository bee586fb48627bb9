using Research.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Schedules;

// Improved DDPM's learned reverse variance (Nichol & Dhariwal, arXiv 2102.09672 §3.1, eq. 15; docs/methods.md §3.4):
// Σ_θ(x_t, t) = exp(f·log β_t + (1 − f)·log β̃_t) with f = (v + 1)/2 and v ∈ [−1, 1] the network's second output. On a
// respaced chain β and β̃ are those of the respaced schedule (IDDPM §4, SpacedDiffusion), which is simply this schedule
// when it was made by Respace.
public sealed partial class NoiseSchedule
{
    /// <summary>
    /// log Σ_θ = f·log β_t + (1 − f)·log β̃_t, f = (v + 1)/2 (IDDPM eq. 15), with log β̃ clipped at index 0
    /// (<see cref="ScheduleCoefficient.PosteriorLogVarianceClipped"/>). Elementwise over <paramref name="v"/> <c>[B, …]</c>,
    /// t int64 <c>[B]</c>; v's dtype and device. What the variational bound of the hybrid loss uses.
    /// </summary>
    public Tensor LearnedLogVariance(Tensor v, Tensor t)
    {
        using var scope = NewDisposeScope();
        var minLog = Coef(ScheduleCoefficient.PosteriorLogVarianceClipped, t, v);
        var maxLog = Coef(ScheduleCoefficient.LogBetas, t, v);
        var frac = v.Plus(1.0).Times(0.5);
        return (frac * maxLog + frac.neg().Plus(1.0) * minLog).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The learned Σ and σ = √Σ at index <paramref name="i"/> of this chain for v <c>[B, …]</c> (IDDPM eq. 15), as the
    /// ancestral sampler uses them: log β_i = log <see cref="Betas"/>[i] (IDDPM's max at every index, 0 included) and
    /// log β̃_i = <see cref="PosteriorLogVarianceClipped"/>[i]. Evaluated in float64 from the end nearer to f
    /// (Σ = β·e^{(f−1)Δ} for f ≥ ½, β̃·e^{fΔ} below, Δ = log β − log β̃): the same number as eq. 15, and at v = +1 or −1
    /// exactly the fixed-large or fixed-small constant, so those samplers are reproduced bit for bit. Results in v's dtype.
    /// </summary>
    public (Tensor Variance, Tensor Std) LearnedVarianceAt(int i, Tensor v)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(i);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, NumTimesteps);
        using var scope = NewDisposeScope();
        // A one-step chain has β̃ = 0 (log −∞) and no noise to add; its Σ matters only to guidance: floored as DDGAN's 1e-20.
        double maxLog = Math.Log(Betas[i]), minLog = Math.Max(PosteriorLogVarianceClipped[i], Math.Log(1e-20)), delta = maxLog - minLog;
        var frac = v.to(float64).Plus(1.0).Times(0.5);
        var upper = frac.ge(0.5);
        var fromLarge = frac.Plus(-1.0);   // f − 1 ≤ 0 on the upper branch
        var variance = where(upper, fromLarge.Times(delta).exp().Times(Math.Exp(maxLog)), frac.Times(delta).exp().Times(Math.Exp(minLog)));
        var std = where(upper, fromLarge.Times(0.5 * delta).exp().Times(Math.Exp(0.5 * maxLog)),
            frac.Times(0.5 * delta).exp().Times(Math.Exp(0.5 * minLog)));
        return (variance.to(v.dtype).MoveToOuterDisposeScope(), std.to(v.dtype).MoveToOuterDisposeScope());
    }
}
