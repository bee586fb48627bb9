namespace Research.Core.Parameterizations;

/// <summary>Reverse-process sampler for ε-models (GAN families always run their own T-step chain).</summary>
public enum SamplerKind
{
    /// <summary>Ancestral sampling: Gaussian reverse steps (DDPM, arXiv 2006.11239, Algorithm 2).</summary>
    Ancestral,

    /// <summary>DDIM with stochasticity η (arXiv 2010.02502, eq. 12).</summary>
    Ddim,
}
