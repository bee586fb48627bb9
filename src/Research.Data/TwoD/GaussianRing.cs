using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.TwoD;

/// <summary>Builds the ring mixture of Gaussians (8 modes on a circle of radius 2 with the defaults).</summary>
/// <remarks>
/// The "2D ring" of VEEGAN (arXiv:1705.07761) and PacGAN (arXiv:1712.04086). Component k has mean
/// Radius·(cos 2πk/K, sin 2πk/K).
/// </remarks>
public static class GaussianRing
{
    /// <summary>Data-set name used in plots and tables.</summary>
    public const string Name = "gaussian-ring";

    /// <summary>The component means and σ (data space) for <paramref name="options"/>.</summary>
    public static ModeSet2D Modes(GaussianRingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new ArgumentException("Invalid gaussian ring options: " + string.Join(" ", errors), nameof(options));
        var means = Enumerable.Range(0, options.NumModes)
            .Select(k => 2.0 * Math.PI * k / options.NumModes)
            .Select(angle => (options.Radius * Math.Cos(angle), options.Radius * Math.Sin(angle)));
        return new ModeSet2D(means, options.Sigma);
    }

    /// <summary>
    /// Draws the data set with a generator seeded by <see cref="GaussianRingOptions.Seed"/>: points grouped by
    /// component. Throws <see cref="ArgumentException"/> listing every invalid option.
    /// </summary>
    public static PointSet2D Create(GaussianRingOptions options)
    {
        var modes = Modes(options);
        var scale = options.Normalize ? options.Radius + 3.0 * options.Sigma : 1.0;

        using var generator = new Generator((ulong)options.Seed);
        using var scope = NewDisposeScope();
        var noise = randn([(long)modes.Count * options.NumPerMode, 2], dtype: float64, generator: generator) * options.Sigma; // [N, 2]
        var (points, labels) = MixturePoints.Build(modes, options.NumPerMode, noise);
        return new PointSet2D(Name, points, labels, modes.Count, (0.0, 0.0), scale, modes);
    }
}
