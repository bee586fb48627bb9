using Research.Core.Backbones;
using Research.Core.Experiments;
using Research.Core.Parameterizations;
using Research.Training.Experiments;
using Research.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Benchmarks;

/// <summary>
/// Times a session's first sampling request (full configured chain, EMA weights, one network batch) and, interleaved with
/// it, the same number of bare forward calls of the sampling network; the difference is the sampler's own cost.
/// </summary>
public static class SamplingBench
{
    /// <summary>Measures <see cref="BenchSettings.SamplingRepeats"/> sampling calls and as many bare loops.</summary>
    public static SamplingBenchResult Measure(TrainingSession s, string run, BenchSettings settings)
    {
        var spec = s.Options.Sampling.FirstOrDefault() ?? new SamplingOptions();
        int n = s.Data.SampleShape.Length == 1 ? settings.Samples2D : settings.SamplesImages;
        foreach (var net in s.Parameterization.Networks.Values) net.eval();
        using var ema = s.UseEmaWeights();
        using var labels = SampleEvaluator.TargetLabels(new SamplingOptions { Label = spec.Label, Labels = spec.Labels, NumSamples = n }, s.Data.NumClasses);
        long seed = Seeds.Derive(s.Options.Seed, Seeds.Sample);
        SampleRequest Request(Generator g) => new()
        {
            NumSamples = n, BatchSize = n, Generator = g, Steps = spec.Steps.Length > 0 ? spec.Steps : null, Sampler = spec.SamplerKind,
            Eta = spec.Eta, ClipDenoised = spec.ClipDenoised, GuidanceScale = spec.GuidanceScale, Labels = labels,
        };
        int nfe;
        using (var g0 = new Generator((ulong)seed, s.Device)) nfe = s.Parameterization.NumFunctionEvaluations(Request(g0));

        var name = s.Family.EmaNetworks.FirstOrDefault() ?? s.Parameterization.Networks.Keys.First();
        using var bare = s.Parameterization.Networks[name] is Backbone b
            ? new BareNetworkPass(b, s.Data.SampleShape, n, s.Schedule.NumTimesteps, s.Device, oneTimestep: true) : null;
        int calls = nfe;                                     // one batch of n samples per evaluation
        void Sample()
        {
            using var g = new Generator((ulong)seed, s.Device);
            using var x = s.Parameterization.Sample(Request(g));
        }
        void Bare()
        {
            for (int i = 0; i < calls; i++) bare!.Forward();
        }

        // Warm-up: a few bare calls always; a whole sampling call unless quick (a 1000-step image chain is long).
        for (int i = 0; i < Math.Min(calls, 3); i++) bare?.Forward();
        if (!settings.Quick) Sample();
        var sampler = new List<double>();
        var bareMs = new List<double>();
        for (int r = 0; r < settings.SamplingRepeats; r++)
        {
            sampler.Add(TrainingBench.Time(Sample));
            if (bare is not null) bareMs.Add(TrainingBench.Time(Bare));
        }
        foreach (var net in s.Parameterization.Networks.Values) net.train();
        var o = s.Options;
        return new SamplingBenchResult(run, o.Parameterization.Type, o.Backbone.Type, spec.DisplayLabel, nfe, n, name,
            IntervalStats.Of(sampler), bare is null ? null : IntervalStats.Of(bareMs), calls);
    }
}
