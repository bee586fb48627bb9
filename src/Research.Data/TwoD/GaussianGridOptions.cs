using Research.Core.Configuration;

namespace Research.Data.TwoD;

/// <summary>
/// Options of the 25-Gaussian grid: <c>GridSize²</c> components with means
/// <c>(Spacing·i, Spacing·j)</c>, i, j ∈ {0 … GridSize−1}, each with isotropic noise of std <see cref="Sigma"/>.
/// </summary>
/// <remarks>
/// The defaults reproduce the data of SIDDM's code (Xu et al. 2023, "Semi-Implicit Denoising Diffusion
/// Models", arXiv:2306.12511), as summarised in docs/methods.md §7.5: means (5i, 5j) for i, j ∈ {0..4},
/// noise N(0, (1/3)²) per coordinate clipped to [−1, 1], 10,000 points per mode (250,000 in total),
/// not re-centred. DDGAN (Xiao et al. 2022, arXiv:2112.07804) shows the same data set in figures only.
/// </remarks>
public sealed class GaussianGridOptions : IValidatableOptions
{
    /// <summary>Bound of the per-coordinate noise clip when <see cref="ClipNoise"/> is on (SIDDM's code: ±1).</summary>
    public const double NoiseClipBound = 1.0;

    /// <summary>Points per component. Default 10,000 (SIDDM's code).</summary>
    public int NumPerMode { get; init; } = 10_000;

    /// <summary>Standard deviation of each coordinate's noise, data space. Default 1/3 (SIDDM's code).</summary>
    public double Sigma { get; init; } = 1.0 / 3.0;

    /// <summary>Distance between neighbouring means. Default 5 (SIDDM's code).</summary>
    public double Spacing { get; init; } = 5.0;

    /// <summary>Means per row and column; <c>GridSize²</c> components. Default 5, i.e. 25 modes (SIDDM's code).</summary>
    public int GridSize { get; init; } = 5;

    /// <summary>
    /// Clip each coordinate's noise to [−<see cref="NoiseClipBound"/>, +<see cref="NoiseClipBound"/>]
    /// (absolute, not in units of σ). Default true (SIDDM's code; with σ = 1/3 the bound is 3σ).
    /// </summary>
    public bool ClipNoise { get; init; } = true;

    /// <summary>Seed of the generator that draws the data set, so it is identical across runs. Default 0 (ours).</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Map to model space by subtracting the grid centre and dividing by
    /// <c>Spacing·(GridSize−1)/2 + 3σ</c> (half the extent of the means plus three noise stds: 11 with the
    /// defaults), so the points lie roughly in [−1, 1]. Default true (ours: SIDDM trains on the raw
    /// coordinates; metrics are always computed in data space, see <see cref="PointSet2D.ToDataSpace"/>).
    /// </summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Returns one message per invalid value (empty when valid), each starting with its snake_case key.</summary>
    public IEnumerable<string> Validate()
    {
        if (NumPerMode < 1) yield return $"num_per_mode: must be at least 1 (got {NumPerMode})";
        if (!(Sigma > 0) || !double.IsFinite(Sigma)) yield return $"sigma: must be positive and finite (got {Sigma})";
        if (!(Spacing > 0) || !double.IsFinite(Spacing)) yield return $"spacing: must be positive and finite (got {Spacing})";
        if (GridSize < 1) yield return $"grid_size: must be at least 1 (got {GridSize})";
        if (Seed < 0) yield return $"seed: must be non-negative (got {Seed})";
    }
}
