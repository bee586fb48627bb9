using System.Text.Json.Serialization;

namespace Research.Training.Benchmarks;

/// <summary>A long training run's resident memory and live-tensor count, sampled after a warm-up.</summary>
/// <param name="Run">Run name.</param>
/// <param name="Family">Parameterization key.</param>
/// <param name="Backbone">Backbone key.</param>
/// <param name="Steps">Training steps in total (warm-up included).</param>
/// <param name="WarmupSteps">Steps before the first sample.</param>
/// <param name="RssMiB">Resident set size after each sampled chunk (MiB).</param>
/// <param name="LiveTensors">Live TorchSharp tensors of the training thread after each chunk (DisposeScopeManager statistics).</param>
/// <param name="Seconds">Wall-clock time of the whole soak.</param>
/// <param name="TolerancePct">Accepted deviation of any RSS sample from the mean.</param>
public sealed record SoakResult(string Run, string Family, string Backbone, long Steps, long WarmupSteps,
    [property: JsonPropertyName("rss_mib")] IReadOnlyList<double> RssMiB, IReadOnlyList<long> LiveTensors, double Seconds, double TolerancePct)
{
    /// <summary>Mean of the RSS samples (MiB).</summary>
    [JsonPropertyName("mean_rss_mib")]
    public double MeanRssMiB => RssMiB.Average();

    /// <summary>Largest |sample − mean| / mean over the RSS samples, in percent.</summary>
    public double MaxDeviationPct => RssMiB.Max(r => Math.Abs(r - MeanRssMiB)) / MeanRssMiB * 100;

    /// <summary>Last RSS sample minus the first (MiB): a steady leak shows as a drift.</summary>
    [JsonPropertyName("drift_mib")]
    public double DriftMiB => RssMiB[^1] - RssMiB[0];

    /// <summary>Whether every RSS sample is within <see cref="TolerancePct"/> of the mean.</summary>
    public bool RssWithinTolerance => MaxDeviationPct <= TolerancePct;

    /// <summary>Whether the live-tensor count was the same at every sample.</summary>
    public bool LiveTensorsConstant => LiveTensors.Distinct().Count() == 1;

    /// <summary>Both targets met.</summary>
    public bool Passed => RssWithinTolerance && LiveTensorsConstant;
}
