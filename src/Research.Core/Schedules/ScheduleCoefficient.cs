namespace Research.Core.Schedules;

/// <summary>
/// Names of the per-timestep coefficient tables of a <see cref="NoiseSchedule"/>, for
/// <see cref="NoiseSchedule.Extract"/>. Entry i belongs to paper step t = i + 1 (0-based code indexing).
/// </summary>
/// <remarks>
/// Symbols follow DDPM (arXiv 2006.11239 eqs. 4, 6, 7) and guided-diffusion's <c>GaussianDiffusion</c> names.
/// All tables have <see cref="NoiseSchedule.NumTimesteps"/> entries except <see cref="ForwardA"/> and
/// <see cref="ForwardSigma"/>, which have one more.
/// </remarks>
public enum ScheduleCoefficient
{
    /// <summary>β_t.</summary>
    Betas,
    /// <summary>α_t = 1 − β_t.</summary>
    Alphas,
    /// <summary>ᾱ_t = ∏_{s≤t} α_s (<c>alphas_cumprod</c>).</summary>
    AlphaBars,
    /// <summary>ᾱ_{t−1}, with 1 before the first step (<c>alphas_cumprod_prev</c>).</summary>
    AlphaBarsPrev,
    /// <summary>ᾱ_{t+1}, with 0 after the last step (<c>alphas_cumprod_next</c>).</summary>
    AlphaBarsNext,
    /// <summary>√ᾱ_t.</summary>
    SqrtAlphaBars,
    /// <summary>√(1 − ᾱ_t).</summary>
    SqrtOneMinusAlphaBars,
    /// <summary>log(1 − ᾱ_t).</summary>
    LogOneMinusAlphaBars,
    /// <summary>√(1/ᾱ_t).</summary>
    SqrtRecipAlphaBars,
    /// <summary>√(1/ᾱ_t − 1).</summary>
    SqrtRecipM1AlphaBars,
    /// <summary>β̃_t = β_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t) (DDPM eq. 7).</summary>
    PosteriorVariance,
    /// <summary>log β̃_t, clipped at index 0 as the <see cref="ScheduleConvention"/> prescribes.</summary>
    PosteriorLogVarianceClipped,
    /// <summary>c1_t = β_t √ᾱ_{t−1} / (1 − ᾱ_t), the x₀ weight of μ̃_t (DDPM eq. 7).</summary>
    PosteriorMeanCoef1,
    /// <summary>c2_t = √α_t (1 − ᾱ_{t−1}) / (1 − ᾱ_t), the x_t weight of μ̃_t (DDPM eq. 7).</summary>
    PosteriorMeanCoef2,
    /// <summary>√α_t = √(1 − β_t), the mean weight of q(x_t | x_{t−1}).</summary>
    SqrtAlphas,
    /// <summary>√β_t, the standard deviation of q(x_t | x_{t−1}).</summary>
    SqrtBetas,
    /// <summary>log β_t (the "large" end of IDDPM's learned-variance interpolation, arXiv 2102.09672 eq. 15).</summary>
    LogBetas,
    /// <summary>
    /// √((1 − ᾱ_{t−1})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t−1}): DDIM's σ_t at η = 1 (arXiv 2010.02502 eq. 16).
    /// </summary>
    DdimSigmaAtEtaOne,
    /// <summary>a_k = ∏_{j=0..k} √(1 − β_j) including β₀, k = 0..T (DDGAN's <c>a_s_cum</c>).</summary>
    ForwardA,
    /// <summary>σ_k = √(1 − a_k²), k = 0..T (DDGAN's <c>sigmas_cum</c>).</summary>
    ForwardSigma,
}
