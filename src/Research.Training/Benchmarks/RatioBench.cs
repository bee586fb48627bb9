using Research.Core.Configuration;
using Research.Core.Registry;
using Research.Training.Loop;

namespace Research.Training.Benchmarks;

/// <summary>Times two runs' sampling in alternating calls on fresh sessions (see <see cref="SpeedRatio"/>).</summary>
public static class RatioBench
{
    /// <summary>The per-sample ratio the issue asks of DDGAN (T = 4) over DDPM (T = 1000).</summary>
    public const double Target = 200;

    /// <summary>
    /// Builds both sessions (untrained weights: speed does not depend on them), warms both up, then alternates
    /// <see cref="BenchSettings.SamplingRepeats"/> fast and slow calls. Both must draw the same number of samples per call.
    /// </summary>
    public static SpeedRatio Measure((ResolvedRun Run, ComponentRegistry Registry) slow, (ResolvedRun Run, ComponentRegistry Registry) fast,
        string dataRoot, BenchSettings settings)
    {
        using var slowSession = SessionBuilder.Build(slow.Run.Options, slow.Run.ResolvedJson, slow.Registry, dataRoot);
        using var fastSession = SessionBuilder.Build(fast.Run.Options, fast.Run.ResolvedJson, fast.Registry, dataRoot);
        using var slowProbe = new SamplingProbe(slowSession, settings);
        using var fastProbe = new SamplingProbe(fastSession, settings);
        if (slowProbe.Samples != fastProbe.Samples)
            throw new InvalidOperationException($"{slow.Run.Name} and {fast.Run.Name} draw different sample counts per call");
        fastProbe.WarmUp(bareOnly: false);
        slowProbe.WarmUp(bareOnly: settings.Quick);
        var s = new List<double>();
        var f = new List<double>();
        for (int r = 0; r < settings.SamplingRepeats; r++)
        {
            f.Add(fastProbe.TimeSample() / fastProbe.Samples);
            s.Add(slowProbe.TimeSample() / slowProbe.Samples);
        }
        f.Add(fastProbe.TimeSample() / fastProbe.Samples);      // the slow calls are bracketed by fast ones
        return new SpeedRatio(slow.Run.Options.Backbone.Type, slow.Run.Name, slow.Run.Options.Parameterization.Type, slowProbe.Nfe,
            fast.Run.Name, fast.Run.Options.Parameterization.Type, fastProbe.Nfe, slowProbe.Samples, IntervalStats.Of(s), IntervalStats.Of(f), Target);
    }
}
