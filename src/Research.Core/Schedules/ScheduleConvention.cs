namespace Research.Core.Schedules;

/// <summary>
/// Which official implementation's arithmetic a <see cref="NoiseSchedule"/> reproduces when it derives its
/// coefficients from the betas. The formulas are the same (arXiv 2006.11239 eqs. 4, 6, 7); precision and the
/// clipping of the posterior log-variance differ.
/// </summary>
/// <remarks>
/// The coefficient arrays are compared against golden values from each code base, so the arithmetic is reproduced
/// operation by operation, not merely "to the same formula".
/// </remarks>
public enum ScheduleConvention
{
    /// <summary>
    /// openai/guided-diffusion <c>GaussianDiffusion.__init__</c> (arXiv 2105.05233): float64 numpy; the
    /// log-variance at index 0 is replaced by the one at index 1. No leading β₀ (<see cref="NoiseSchedule.Beta0"/> is 0).
    /// </summary>
    GuidedDiffusion,

    /// <summary>
    /// NVlabs/denoising-diffusion-gan <c>Posterior_Coefficients</c> / <c>Diffusion_Coefficients</c>
    /// (arXiv 2112.07804): betas rounded to float32 and every coefficient computed in float32 (torch's CPU cumprod
    /// accumulates in double, numpy's cumprod of the forward marginals in float32); log-variance clamped at 1e-20.
    /// </summary>
    Ddgan,
}
