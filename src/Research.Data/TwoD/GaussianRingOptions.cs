using Research.Core.Configuration;

namespace Research.Data.TwoD;

/// <summary>
/// Options of the ring of Gaussians: <see cref="NumModes"/> components with means equally spaced on a circle
/// of radius <see cref="Radius"/> around the origin, first mode at angle 0, isotropic noise of std <see cref="Sigma"/>.
/// </summary>
/// <remarks>
/// The 8-mode ring of radius 2 with σ = 0.02 is the "2D ring" of VEEGAN (Srivastava et al. 2017,
/// arXiv:1705.07761) and PacGAN (Lin et al. 2018, arXiv:1712.04086), following Metz et al. 2017
/// (Unrolled GANs, arXiv:1611.02163).
/// </remarks>
public sealed class GaussianRingOptions : IValidatableOptions
{
    /// <summary>Number of components. Default 8 (VEEGAN / PacGAN 2D ring).</summary>
    public int NumModes { get; init; } = 8;

    /// <summary>Radius of the circle of means, data space. Default 2 (VEEGAN / PacGAN 2D ring).</summary>
    public double Radius { get; init; } = 2.0;

    /// <summary>Standard deviation of each coordinate's noise, data space. Default 0.02 (VEEGAN / PacGAN 2D ring).</summary>
    public double Sigma { get; init; } = 0.02;

    /// <summary>Points per component. Default 10,000 (ours: the same as the grid's, SIDDM's code).</summary>
    public int NumPerMode { get; init; } = 10_000;

    /// <summary>Seed of the generator that draws the data set. Default 0 (ours).</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Map to model space by dividing by <c>Radius + 3σ</c> (the ring is centred on the origin), so the points
    /// lie roughly in [−1, 1]. Default true (ours).
    /// </summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Returns one message per invalid value (empty when valid), each starting with its snake_case key.</summary>
    public IEnumerable<string> Validate()
    {
        if (NumModes < 1) yield return $"num_modes: must be at least 1 (got {NumModes})";
        if (!(Radius >= 0) || !double.IsFinite(Radius)) yield return $"radius: must be non-negative and finite (got {Radius})";
        if (!(Sigma > 0) || !double.IsFinite(Sigma)) yield return $"sigma: must be positive and finite (got {Sigma})";
        if (NumPerMode < 1) yield return $"num_per_mode: must be at least 1 (got {NumPerMode})";
        if (Seed < 0) yield return $"seed: must be non-negative (got {Seed})";
    }
}
