using static TorchSharp.torch;

namespace Research.Core.Schedules;

/// <summary>The v-parameterization's conversions (shared math: any family predicting v uses these).</summary>
public sealed partial class NoiseSchedule
{
    /// <summary>
    /// v = √ᾱ_t ε − √(1 − ᾱ_t) x₀, the velocity target (Salimans &amp; Ho, arXiv 2202.00512, §4 / appendix D).
    /// Shapes: x₀, ε, result <c>[B, …]</c>; t int64 <c>[B]</c>.
    /// </summary>
    public Tensor VelocityTarget(Tensor x0, Tensor t, Tensor eps)
    {
        using var negX0 = x0.neg();
        return Combine(x0, t, ScheduleCoefficient.SqrtAlphaBars, eps, ScheduleCoefficient.SqrtOneMinusAlphaBars, negX0);
    }

    /// <summary>
    /// ε̂ = √ᾱ_t v̂ + √(1 − ᾱ_t) x_t: a v-prediction as an ε-prediction, so the shared ε-samplers apply
    /// (arXiv 2202.00512, appendix D, from x_t = √ᾱ x₀ + √(1−ᾱ) ε). Shapes: x_t, v̂, result <c>[B, …]</c>.
    /// </summary>
    public Tensor PredictEpsFromVelocity(Tensor xt, Tensor t, Tensor v) =>
        Combine(xt, t, ScheduleCoefficient.SqrtAlphaBars, v, ScheduleCoefficient.SqrtOneMinusAlphaBars, xt);
}
