using Research.Core.Backbones;
using Research.Core.Experiments;
using Research.Core.Parameterizations;
using Research.Training.Experiments;
using Research.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Benchmarks;

/// <summary>
/// A session made ready to time sampling: one of its sampling requests (by default the first; full configured chain, EMA
/// weights swapped in, networks in eval mode) on one network batch, and the bare sampling network on the same batch.
/// Disposing restores the training weights and mode.
/// </summary>
public sealed class SamplingProbe : IDisposable
{
    private readonly TrainingSession _s;
    private readonly IDisposable _ema;
    private readonly Tensor? _labels;
    private readonly BareNetworkPass? _bare;
    private readonly SamplingOptions _spec;
    private readonly long _seed;

    /// <summary>
    /// Prepares <paramref name="s"/> to time <paramref name="request"/> (default: its first sampling request):
    /// <see cref="BenchSettings.Samples2D"/> or <see cref="BenchSettings.SamplesImages"/> samples per call.
    /// </summary>
    public SamplingProbe(TrainingSession s, BenchSettings settings, SamplingOptions? request = null)
    {
        _s = s;
        _spec = request ?? s.Options.Sampling.FirstOrDefault() ?? new SamplingOptions();
        Samples = s.Data.SampleShape.Length == 1 ? settings.Samples2D : settings.SamplesImages;
        foreach (var net in s.Parameterization.Networks.Values) net.eval();
        _ema = s.UseEmaWeights();
        _labels = SampleEvaluator.TargetLabels(new SamplingOptions { Label = _spec.Label, Labels = _spec.Labels, NumSamples = Samples }, s.Data.NumClasses);
        _seed = Seeds.Derive(s.Options.Seed, Seeds.Sample);
        using (var g0 = new Generator((ulong)_seed, s.Device)) Nfe = s.Parameterization.NumFunctionEvaluations(NewRequest(g0));
        Network = s.Family.EmaNetworks.FirstOrDefault() ?? s.Parameterization.Networks.Keys.First();
        _bare = s.Parameterization.Networks[Network] is Backbone b
            ? new BareNetworkPass(b, s.Data.SampleShape, Samples, s.Schedule.NumTimesteps, s.Device, oneTimestep: true) : null;
    }

    /// <summary>Network evaluations per sample.</summary>
    public int Nfe { get; }

    /// <summary>Samples per call (one network batch).</summary>
    public int Samples { get; }

    /// <summary>The sampling network the bare baseline calls.</summary>
    public string Network { get; }

    /// <summary>Bare network calls per sampling call (one batch per evaluation).</summary>
    public int Calls => Nfe;

    /// <summary>The request's label.</summary>
    public string Request => _spec.DisplayLabel;

    /// <summary>Whether a bare baseline exists (the sampling network is a <see cref="Backbone"/>).</summary>
    public bool HasBare => _bare is not null;

    private SampleRequest NewRequest(Generator g) => new()
    {
        NumSamples = Samples, BatchSize = Samples, Generator = g, Steps = _spec.Steps.Length > 0 ? _spec.Steps : null,
        Sampler = _spec.SamplerKind, Variance = _spec.ReverseVariance, Eta = _spec.Eta, ClipDenoised = _spec.ClipDenoised, GuidanceScale = _spec.GuidanceScale, Labels = _labels,
    };

    /// <summary>Untimed: a few bare calls, and unless <paramref name="bareOnly"/> one whole sampling call.</summary>
    public void WarmUp(bool bareOnly)
    {
        for (int i = 0; i < Math.Min(Calls, 3); i++) _bare?.Forward();
        if (!bareOnly) TimeSample();
    }

    /// <summary>Milliseconds of one sampling call (the same seed each time).</summary>
    public double TimeSample() => TrainingBench.Time(() =>
    {
        using var g = new Generator((ulong)_seed, _s.Device);
        using var x = _s.Parameterization.Sample(NewRequest(g));
    });

    /// <summary>Milliseconds of <see cref="Calls"/> bare forward calls, or null without a baseline.</summary>
    public double? TimeBare() => _bare is null ? null : TrainingBench.Time(() =>
    {
        for (int i = 0; i < Calls; i++) _bare.Forward();
    });

    /// <inheritdoc />
    public void Dispose()
    {
        _bare?.Dispose();
        _labels?.Dispose();
        _ema.Dispose();
        foreach (var net in _s.Parameterization.Networks.Values) net.train();
    }
}
