using System.Diagnostics;
using Research.Core.Backbones;
using Research.Core.Data;
using Research.Core.Parameterizations;
using Research.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Benchmarks;

/// <summary>
/// Times a session's training step three ways, in interleaved windows so that a load change on a shared machine hits all
/// three alike: the real <see cref="Trainer"/>, a minimal loop over the same loss terms, and the bare networks.
/// </summary>
public static class TrainingBench
{
    /// <summary>Warms up, calibrates the window length, then times <see cref="BenchSettings.Windows"/> windows of each kind.</summary>
    public static TrainingBenchResult Measure(TrainingSession s, string run, BenchSettings settings, double peakRssMiB = double.NaN)
    {
        var trainer = new Trainer(s, null);
        int window = Calibrate(settings, n => TrainerSteps(trainer, s, n));
        var family = s.MixedPrecision?.Working ?? s.Parameterization;
        var bare = BarePasses(s, family);
        try
        {
            // The minimal loop and the bare passes get their own untimed warm-up (gradient buffers, kernels).
            MinimalSteps(s, 2);
            BareSteps(bare, 2);
            double? flops = bare?.Sum(b => FlopCounter.ForwardBackwardFactor * b.ForwardFlops());
            var step = new List<double>();
            var minimal = new List<double>();
            var bareMs = new List<double>();
            for (int w = 0; w < settings.Windows; w++)
            {
                step.Add(Time(() => TrainerSteps(trainer, s, window)) / window);
                minimal.Add(Time(() => MinimalSteps(s, window)) / window);
                if (bare is not null) bareMs.Add(Time(() => BareSteps(bare, window)) / window);
            }
            var o = s.Options;
            return new TrainingBenchResult(run, o.Parameterization.Type, o.Backbone.Type, o.Training.Precision, o.Training.BatchSize,
                s.Parameterization.Networks.Values.Sum(n => n.parameters().Sum(p => p.numel())), window,
                IntervalStats.Of(step), IntervalStats.Of(minimal), bare is null ? null : IntervalStats.Of(bareMs), peakRssMiB)
            {
                BareFlopsPerStep = flops,
            };
        }
        finally
        {
            if (bare is not null) foreach (var b in bare) b.Dispose();
        }
    }

    /// <summary>
    /// Runs <paramref name="steps"/> warm-up steps until <see cref="BenchSettings.WarmupSeconds"/> passed (at least 3), then
    /// returns the step count that makes one window last about <see cref="BenchSettings.WindowSeconds"/>.
    /// </summary>
    public static int Calibrate(BenchSettings settings, Action<int> steps)
    {
        var clock = Stopwatch.StartNew();
        steps(1);                                           // the slowest step: first allocations
        int n = 2;
        double perStep = Time(() => steps(n)) / n;
        while (clock.Elapsed.TotalSeconds < settings.WarmupSeconds)
        {
            n = (int)Math.Clamp(2 * n, 2, 100_000);
            perStep = Time(() => steps(n)) / n;
        }
        return (int)Math.Clamp(Math.Round(settings.WindowSeconds * 1000 / Math.Max(perStep, 1e-3)), 2, 100_000);
    }

    /// <summary>Advances the trainer by <paramref name="n"/> steps (one <c>Train</c> call, so one log line per window).</summary>
    public static void TrainerSteps(Trainer trainer, TrainingSession s, int n)
    {
        s.Options.Training.Steps = s.Step + n;
        trainer.Train();
    }

    /// <summary>
    /// <paramref name="n"/> steps of the smallest loop that trains the family: batch, then per term zero gradients, compute,
    /// backward, optimizer step (the bf16 copies' gradient and weight transfers included when the session has them).
    /// </summary>
    public static void MinimalSteps(TrainingSession s, int n)
    {
        var mixed = s.MixedPrecision;
        var family = mixed?.Working ?? s.Parameterization;
        for (int i = 0; i < n; i++)
        {
            using var scope = NewDisposeScope();
            var cpu = s.Data.NextBatch(s.Options.Training.BatchSize, s.DataGenerator);
            var batch = new TrainBatch(cpu.X0.to(s.Device), cpu.Labels?.to(s.Device));
            foreach (var term in family.LossTerms(batch, new StepInfo(s.Step, s.TrainGenerator)))
            {
                foreach (var opt in s.Optimizers.Values) opt.zero_grad();
                mixed?.ZeroGradients();
                var loss = term.Compute();
                if (loss.dtype != ScalarType.Float32) loss = loss.to_type(ScalarType.Float32);
                loss.backward();
                mixed?.CopyGradients(term.Network);
                s.Optimizers[term.Network].step();
                mixed?.Sync(term.Network);
            }
            s.Step++;
        }
    }

    // One bare pass per loss term of a step, each through the term's network; null if a network is not a Backbone.
    private static List<BareNetworkPass>? BarePasses(TrainingSession s, IParameterization family)
    {
        using var scope = NewDisposeScope();
        var batch = s.Data.NextBatch(s.Options.Training.BatchSize, s.DataGenerator);
        using var g = new Generator(1);
        var networks = family.LossTerms(batch, new StepInfo(s.Step, g)).Select(t => t.Network).ToList();  // names only: nothing computed
        if (networks.Any(n => family.Networks[n] is not Backbone)) return null;
        return networks.Select(n => new BareNetworkPass((Backbone)family.Networks[n], s.Data.SampleShape, s.Options.Training.BatchSize,
            s.Schedule.NumTimesteps, s.Device)).ToList();
    }

    private static void BareSteps(List<BareNetworkPass>? passes, int n)
    {
        if (passes is null) return;
        for (int i = 0; i < n; i++)
            foreach (var p in passes) p.ForwardBackward();
    }

    /// <summary>Wall-clock milliseconds of <paramref name="action"/>.</summary>
    public static double Time(Action action)
    {
        var sw = Stopwatch.StartNew();
        action();
        return sw.Elapsed.TotalMilliseconds;
    }
}
