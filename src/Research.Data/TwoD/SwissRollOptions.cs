using Research.Core.Configuration;

namespace Research.Data.TwoD;

/// <summary>
/// Options of the 2-D swiss roll, drawn as scikit-learn's <c>make_swiss_roll</c> does and projected on its
/// (x, z) plane: t = 1.5π(1 + 2u), u ~ U(0, 1), point = (t cos t, t sin t) + noise·N(0, I).
/// The label of a point is the index of the arc segment its t falls in, the t range [1.5π, 4.5π] being cut
/// into <see cref="NumSegments"/> equal parts.
/// </summary>
/// <remarks>
/// The swiss roll has no discrete Gaussian modes, so mode-coverage metrics are not applicable to it
/// (<see cref="PointSet2D.Modes"/> is null); the Fréchet distance and MMD still are. The noise default follows
/// FFJORD's toy data (Grathwohl et al. 2019, arXiv:1810.01367, <c>lib/toy_data.py</c>: noise 1.0).
/// </remarks>
public sealed class SwissRollOptions : IValidatableOptions
{
    /// <summary>Number of points. Default 100,000 (ours).</summary>
    public int NumSamples { get; init; } = 100_000;

    /// <summary>Std of the Gaussian noise added to each coordinate. Default 1.0 (FFJORD toy data; sklearn's default is 0).</summary>
    public double Noise { get; init; } = 1.0;

    /// <summary>Number of equal t segments used as class labels. Default 8 (ours, as many classes as the ring).</summary>
    public int NumSegments { get; init; } = 8;

    /// <summary>Seed of the generator that draws the data set. Default 0 (ours).</summary>
    public long Seed { get; init; }

    /// <summary>
    /// Map to model space by dividing by <c>4.5π + 3·Noise</c> (the largest radius t plus three noise stds;
    /// the roll is centred on the origin), so the points lie roughly in [−1, 1]. Default true (ours;
    /// FFJORD divides by 5 instead).
    /// </summary>
    public bool Normalize { get; init; } = true;

    /// <summary>Returns one message per invalid value (empty when valid), each starting with its snake_case key.</summary>
    public IEnumerable<string> Validate()
    {
        if (NumSamples < 1) yield return $"num_samples: must be at least 1 (got {NumSamples})";
        if (!(Noise >= 0) || !double.IsFinite(Noise)) yield return $"noise: must be non-negative and finite (got {Noise})";
        if (NumSegments < 1) yield return $"num_segments: must be at least 1 (got {NumSegments})";
        if (Seed < 0) yield return $"seed: must be non-negative (got {Seed})";
    }
}
