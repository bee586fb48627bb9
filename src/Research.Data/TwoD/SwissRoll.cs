using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.TwoD;

/// <summary>Builds the 2-D swiss roll described by <see cref="SwissRollOptions"/>. It has no Gaussian modes.</summary>
/// <remarks>
/// scikit-learn's <c>make_swiss_roll</c> (t = 1.5π(1 + 2u); x = t cos t, z = t sin t) projected on (x, z), as in
/// FFJORD's toy data (arXiv:1810.01367). Labels are arc segments of equal t length, not equal arc length.
/// </remarks>
public static class SwissRoll
{
    /// <summary>Data-set name used in plots and tables.</summary>
    public const string Name = "swiss-roll";

    /// <summary>Smallest parameter value t, 1.5π.</summary>
    public const double MinT = 1.5 * Math.PI;

    /// <summary>Largest parameter value t (exclusive), 4.5π; also the largest noise-free radius.</summary>
    public const double MaxT = 4.5 * Math.PI;

    /// <summary>
    /// Draws the data set with a generator seeded by <see cref="SwissRollOptions.Seed"/>. Throws
    /// <see cref="ArgumentException"/> listing every invalid option.
    /// </summary>
    public static PointSet2D Create(SwissRollOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new ArgumentException("Invalid swiss roll options: " + string.Join(" ", errors), nameof(options));
        var scale = options.Normalize ? MaxT + 3.0 * options.Noise : 1.0;

        using var generator = new Generator((ulong)options.Seed);
        using var scope = NewDisposeScope();
        var u = rand([options.NumSamples], dtype: float64, generator: generator);                     // [N]
        var noise = randn([options.NumSamples, 2], dtype: float64, generator: generator) * options.Noise; // [N, 2]
        var t = MinT + (MaxT - MinT) * u;                                                              // [N]
        var points = stack([t * cos(t), t * sin(t)], dim: 1) + noise;                                  // [N, 2]
        var labels = (u * options.NumSegments).floor().to(int64).clamp(0, options.NumSegments - 1);    // [N]
        return new PointSet2D(Name, points, labels, options.NumSegments, (0.0, 0.0), scale, modes: null);
    }
}
