namespace Research.Training.Benchmarks;

/// <summary>Sampling speed of one of a run's sampling requests (its first, or each with <c>--all-requests</c>), against the bare sampling network.</summary>
/// <param name="Run">Run name.</param>
/// <param name="Family">Parameterization key.</param>
/// <param name="Backbone">Backbone key.</param>
/// <param name="Request">The request's label (steps, sampler, guidance as configured).</param>
/// <param name="Nfe">Network evaluations per sample (from the family).</param>
/// <param name="Samples">Samples drawn per timed call (one network batch).</param>
/// <param name="Network">The network the bare baseline calls (the family's sampling network).</param>
/// <param name="Sampler">Milliseconds per sampling call.</param>
/// <param name="BareForward">Milliseconds for the same number of bare forward calls of <paramref name="Network"/> (no gradients).</param>
/// <param name="NetworkCalls">Bare calls per sampling call: NFE × batches.</param>
public sealed record SamplingBenchResult(
    string Run, string Family, string Backbone, string Request, int Nfe, int Samples, string Network,
    IntervalStats Sampler, IntervalStats? BareForward, int NetworkCalls)
{
    /// <summary>Median milliseconds per sample.</summary>
    public double MsPerSample => Sampler.Median / Samples;

    /// <summary>Median milliseconds per sample and network evaluation.</summary>
    public double MsPerSamplePerNfe => MsPerSample / Math.Max(Nfe, 1);

    /// <summary>Bare milliseconds per network call (a whole batch).</summary>
    public double? BareMsPerCall => BareForward is null ? null : BareForward.Median / NetworkCalls;

    /// <summary>
    /// Sampler milliseconds per network call beyond the bare call: the sampler's own work per evaluation. The median over
    /// repeats of (sampler − bare), each sampling call paired with the bare loop timed right after it.
    /// </summary>
    public double? OverheadMsPerCall => BareForward is null ? null : IntervalStats.PairedMedian(Sampler, BareForward, (s, b) => s - b) / NetworkCalls;

    /// <summary>The share of sampling time spent outside the bare network calls, in percent (paired as above).</summary>
    public double? OverheadPct => BareForward is null ? null : 100 * IntervalStats.PairedMedian(Sampler, BareForward, (s, b) => (s - b) / s);
}
