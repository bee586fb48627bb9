using System.Diagnostics;
using Research.Evaluation.Metrics;
using Research.Training.Loop;
using TorchSharp;

namespace Research.Training.Benchmarks;

/// <summary>
/// Trains a session for a fixed number of steps and samples the process's resident memory (<see cref="PeakMemory"/>) and
/// the thread's live-tensor count after each of <see cref="BenchSettings.SoakSamples"/> equal chunks following a warm-up of
/// a tenth of the steps (optimizer state, EMA, allocator pools and the first log line exist by then).
/// </summary>
public static class SoakTest
{
    /// <summary>Runs the soak; <paramref name="steps"/> is the total including warm-up.</summary>
    public static SoakResult Run(TrainingSession s, string run, long steps, BenchSettings settings, Action<string>? progress = null)
    {
        var clock = Stopwatch.StartNew();
        var trainer = new Trainer(s, null);
        long warmup = Math.Max(1, steps / 10);
        int samples = (int)Math.Min(settings.SoakSamples, steps - warmup);
        long chunk = (steps - warmup) / samples;
        long start = s.Step;
        s.Options.Training.Steps = start + warmup;
        trainer.Train();
        var rss = new List<double>();
        var live = new List<long>();
        for (int i = 0; i < samples; i++)
        {
            s.Options.Training.Steps = s.Step + (i == samples - 1 ? steps - (s.Step - start) : chunk);
            trainer.Train();
            rss.Add(PeakMemory.Read().ResidentBytes / (1024.0 * 1024.0));
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
            if ((i + 1) % Math.Max(1, samples / 5) == 0) progress?.Invoke($"  {run}: step {s.Step - start}/{steps}, RSS {rss[^1]:F0} MiB, live tensors {live[^1]}");
        }
        var o = s.Options;
        return new SoakResult(run, o.Parameterization.Type, o.Backbone.Type, s.Step - start, warmup, rss, live,
            clock.Elapsed.TotalSeconds, settings.SoakRssTolerancePct);
    }
}
