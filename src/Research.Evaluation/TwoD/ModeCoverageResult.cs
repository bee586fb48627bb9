using System.Globalization;

namespace Research.Evaluation.TwoD;

/// <summary>
/// Mode coverage of a set of 2-D samples, with everything a table must state (σ, radius, threshold, n).
/// Label it <see cref="Convention"/>: neither DDGAN nor SIDDM defines this metric (docs/methods.md §7.5).
/// </summary>
/// <param name="ModesCovered">Modes with at least <paramref name="Threshold"/> high-quality samples.</param>
/// <param name="NumModes">K, the number of modes.</param>
/// <param name="HighQualityFraction">High-quality samples / all samples (non-finite samples count as not high quality).</param>
/// <param name="HighQualityPerMode">High-quality samples assigned to each mode, in label order.</param>
/// <param name="AssignedPerMode">All samples whose nearest mean is each mode, in label order.</param>
/// <param name="Sigma">Component σ (data space) used for the radius.</param>
/// <param name="RadiusInSigmas">High-quality radius in units of σ.</param>
/// <param name="Threshold">High-quality samples a mode needs to count as covered.</param>
/// <param name="SampleCount">n, the number of samples evaluated.</param>
public sealed record ModeCoverageResult(
    int ModesCovered,
    int NumModes,
    double HighQualityFraction,
    IReadOnlyList<long> HighQualityPerMode,
    IReadOnlyList<long> AssignedPerMode,
    double Sigma,
    double RadiusInSigmas,
    long Threshold,
    long SampleCount)
{
    /// <summary>How tables should label the metric.</summary>
    public const string Convention = "ours (VEEGAN/PacGAN convention)";

    /// <summary>"covered/K", e.g. <c>25/25</c>.</summary>
    public string CoverageText => $"{ModesCovered}/{NumModes}";

    /// <summary>A footnote stating the settings, e.g. "Modes covered, ours (VEEGAN/PacGAN convention): σ=0.3333, high quality within 3σ of the nearest mean, covered with ≥ 10 high-quality samples, n=2,500."</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"Modes covered, {Convention}: σ={Sigma:G4}, high quality within {RadiusInSigmas:G4}σ of the nearest mean, covered with ≥ {Threshold:N0} high-quality samples, n={SampleCount:N0}.");
}
