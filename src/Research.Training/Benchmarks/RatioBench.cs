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
    /// Builds both sessions (untrained weights: speed does not depend on them) and warms both up. Then alternates a fast
    /// block and a slow call <see cref="BenchSettings.SamplingRepeats"/> times, ending with a fast block; a fast block is as
    /// many fast calls as give the NFE of one slow call (250 for T = 1000 against T = 4), so both sides span similar wall
    /// time and meet the same machine load. Both runs must draw the same number of samples per call.
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
        int block = Math.Clamp((int)Math.Round((double)slowProbe.Nfe / Math.Max(fastProbe.Nfe, 1)), 1, 10_000);
        double FastBlock()
        {
            double ms = 0;
            for (int i = 0; i < block; i++) ms += fastProbe.TimeSample();
            return ms / block / fastProbe.Samples;
        }
        var s = new List<double>();
        var f = new List<double>();
        for (int r = 0; r < settings.SamplingRepeats; r++)
        {
            f.Add(FastBlock());
            s.Add(slowProbe.TimeSample() / slowProbe.Samples);
        }
        f.Add(FastBlock());
        return new SpeedRatio(slow.Run.Options.Backbone.Type, slow.Run.Name, slow.Run.Options.Parameterization.Type, slowProbe.Nfe,
            fast.Run.Name, fast.Run.Options.Parameterization.Type, fastProbe.Nfe, slowProbe.Samples, IntervalStats.Of(s), IntervalStats.Of(f), Target)
        {
            FastBlock = block,
        };
    }
}
