namespace Research.Core.Sampling;

/// <summary>
/// Reverse-process variance Σ_θ(x_t, t) = σ²_t I of an ε-model's ancestral sampler: DDPM's two fixed choices
/// (arXiv 2006.11239 §3.2) or the learned interpolation of improved DDPM (Nichol &amp; Dhariwal, arXiv 2102.09672 eq. 15).
/// A sampling-time choice: the same weights sample with any of them (learned only where the network outputs v).
/// </summary>
public enum ReverseVariance
{
    /// <summary>σ²_t = β_t ("fixed-large", DDPM CIFAR-10; index 0 uses β̃ of index 1, as guided-diffusion).</summary>
    FixedLarge,

    /// <summary>σ²_t = β̃_t, the posterior variance ("fixed-small").</summary>
    FixedSmall,

    /// <summary>
    /// Σ = exp(f·log β_t + (1 − f)·log β̃_t), f = (v + 1)/2, with v the network's second output (IDDPM eq. 15; log β̃ clipped
    /// at index 0 as <see cref="Schedules.ScheduleCoefficient.PosteriorLogVarianceClipped"/>). Needs a model trained with
    /// learned variance (docs/methods.md §3.4).
    /// </summary>
    Learned,
}
