namespace Research.Evaluation.Metrics;

/// <summary>Cost of drawing samples: network evaluations and warm wall-clock time.</summary>
/// <param name="Nfe">Network function evaluations per sample (one call of the denoiser or generator on a batch counts once).</param>
/// <param name="NumSamples">Samples drawn per timed run.</param>
/// <param name="RunsMs">Wall-clock milliseconds of each timed run, in order (warm-up runs excluded).</param>
/// <param name="MedianMs">Median of <paramref name="RunsMs"/> (the mean of the two middle values for an even count).</param>
public sealed record SamplingCost(int Nfe, int NumSamples, IReadOnlyList<double> RunsMs, double MedianMs)
{
    /// <summary>Median milliseconds per sample.</summary>
    public double MsPerSample => MedianMs / NumSamples;

    /// <summary>Median milliseconds per 1,000 samples (the <c>ms_per_1000</c> of metrics.jsonl).</summary>
    public double MsPer1000 => MsPerSample * 1000;
}
