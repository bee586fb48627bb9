namespace Research.Evaluation.TwoD;

/// <summary>Settings of <see cref="ModeCoverage"/> (our VEEGAN / PacGAN-style mode-coverage metric).</summary>
/// <remarks>
/// The 3σ radius is the VEEGAN (arXiv:1705.07761) / PacGAN (arXiv:1712.04086) convention. The coverage
/// threshold is ours (docs/methods.md §7.5 asks only for a fixed number, stated with the results).
/// </remarks>
public sealed class ModeCoverageOptions
{
    /// <summary>A sample is high quality when its Euclidean distance to the nearest mean is at most this many σ. Default 3 (VEEGAN / PacGAN).</summary>
    public double RadiusInSigmas { get; init; } = 3.0;

    /// <summary>
    /// Fixed number of high-quality samples a mode needs to count as covered. Default null: use
    /// <see cref="MinFractionOfExpected"/> instead.
    /// </summary>
    public long? MinHighQualityCount { get; init; }

    /// <summary>
    /// When <see cref="MinHighQualityCount"/> is null, the threshold is <c>max(1, ⌈fraction · n / K⌉)</c>, n samples and
    /// K modes: a mode is covered if it receives at least this fraction of the count a perfect sampler would
    /// put there. Default 0.1 (ours: 10 samples per mode for the usual 2,500 samples on 25 modes, and far
    /// above the stray samples a collapsed model leaves between modes).
    /// </summary>
    public double MinFractionOfExpected { get; init; } = 0.1;

    /// <summary>Returns one message per invalid value (empty when valid), each naming its snake_case key.</summary>
    public IEnumerable<string> Validate()
    {
        if (!(RadiusInSigmas > 0) || !double.IsFinite(RadiusInSigmas))
            yield return $"radius_in_sigmas must be positive and finite (got {RadiusInSigmas}).";
        if (MinHighQualityCount is < 1) yield return $"min_high_quality_count must be at least 1 when set (got {MinHighQualityCount}).";
        if (!(MinFractionOfExpected > 0) || !double.IsFinite(MinFractionOfExpected))
            yield return $"min_fraction_of_expected must be positive and finite (got {MinFractionOfExpected}).";
    }

    /// <summary>The threshold (high-quality samples per mode) for <paramref name="sampleCount"/> samples on <paramref name="numModes"/> modes.</summary>
    public long ThresholdFor(long sampleCount, int numModes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numModes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(sampleCount);
        return MinHighQualityCount ?? Math.Max(1L, (long)Math.Ceiling(MinFractionOfExpected * sampleCount / numModes - 1e-9));
    }
}
