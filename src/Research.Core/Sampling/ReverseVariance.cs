namespace Research.Core.Sampling;

/// <summary>Fixed reverse-process variances of DDPM (arXiv 2006.11239 §3.2).</summary>
public enum ReverseVariance
{
    /// <summary>σ²_t = β_t ("fixed-large", DDPM CIFAR-10; index 0 uses β̃ of index 1, as guided-diffusion).</summary>
    FixedLarge,

    /// <summary>σ²_t = β̃_t, the posterior variance ("fixed-small").</summary>
    FixedSmall,
}
