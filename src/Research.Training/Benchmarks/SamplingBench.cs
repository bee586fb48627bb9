using Research.Core.Experiments;
using Research.Training.Loop;

namespace Research.Training.Benchmarks;

/// <summary>
/// Times a session's sampling request (by default its first; full configured chain, EMA weights, one network batch) and,
/// interleaved with it, the same number of bare forward calls of the sampling network; the difference is the sampler's
/// own cost.
/// </summary>
public static class SamplingBench
{
    /// <summary>
    /// Measures <see cref="BenchSettings.SamplingRepeats"/> sampling calls of <paramref name="request"/> (default: the
    /// session's first request) and as many bare loops.
    /// </summary>
    public static SamplingBenchResult Measure(TrainingSession s, string run, BenchSettings settings, SamplingOptions? request = null)
    {
        using var probe = new SamplingProbe(s, settings, request);
        probe.WarmUp(bareOnly: settings.Quick);               // a whole 1000-step image chain is long: --quick skips it
        var sampler = new List<double>();
        var bare = new List<double>();
        for (int r = 0; r < settings.SamplingRepeats; r++)
        {
            sampler.Add(probe.TimeSample());
            if (probe.TimeBare() is { } ms) bare.Add(ms);
        }
        var o = s.Options;
        return new SamplingBenchResult(run, o.Parameterization.Type, o.Backbone.Type, probe.Request, probe.Nfe, probe.Samples, probe.Network,
            IntervalStats.Of(sampler), bare.Count > 0 ? IntervalStats.Of(bare) : null, probe.Calls);
    }
}
