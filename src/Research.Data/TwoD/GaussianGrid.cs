using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.TwoD;

/// <summary>
/// Builds the grid mixture of Gaussians (25 modes with the defaults) described by <see cref="GaussianGridOptions"/>.
/// </summary>
/// <remarks>
/// Data of SIDDM's 2-D experiment (arXiv:2306.12511; code <c>Simulation_SIDDMs/Two_Dimensional_MOG_*.py</c>),
/// docs/methods.md §7.5. Component k = i·GridSize + j has mean (Spacing·i, Spacing·j).
/// </remarks>
public static class GaussianGrid
{
    /// <summary>Data-set name used in plots and tables.</summary>
    public const string Name = "gaussian-grid";

    /// <summary>The component means and σ (data space) for <paramref name="options"/>.</summary>
    public static ModeSet2D Modes(GaussianGridOptions options)
    {
        ThrowIfInvalid(options);
        var means = new List<(double X, double Y)>(options.GridSize * options.GridSize);
        for (var i = 0; i < options.GridSize; i++)
            for (var j = 0; j < options.GridSize; j++)
                means.Add((options.Spacing * i, options.Spacing * j));
        return new ModeSet2D(means, options.Sigma);
    }

    /// <summary>
    /// Draws the data set with a generator seeded by <see cref="GaussianGridOptions.Seed"/>: points grouped by
    /// component, <c>NumPerMode</c> each. Throws <see cref="ArgumentException"/> listing every invalid option.
    /// </summary>
    public static PointSet2D Create(GaussianGridOptions options)
    {
        var modes = Modes(options);
        var half = options.Spacing * (options.GridSize - 1) / 2.0;
        var (center, scale) = options.Normalize ? ((half, half), half + 3.0 * options.Sigma) : ((0.0, 0.0), 1.0);

        using var generator = new Generator((ulong)options.Seed);
        using var scope = NewDisposeScope();
        var noise = randn([(long)modes.Count * options.NumPerMode, 2], dtype: float64, generator: generator) * options.Sigma; // [N, 2]
        if (options.ClipNoise) noise = noise.clamp(-GaussianGridOptions.NoiseClipBound, GaussianGridOptions.NoiseClipBound);
        var (points, labels) = MixturePoints.Build(modes, options.NumPerMode, noise);
        return new PointSet2D(Name, points, labels, modes.Count, center, scale, modes);
    }

    private static void ThrowIfInvalid(GaussianGridOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new ArgumentException("Invalid gaussian grid options: " + string.Join(" ", errors), nameof(options));
    }
}
