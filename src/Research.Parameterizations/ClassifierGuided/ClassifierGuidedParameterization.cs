using Research.Core.Backbones;
using Research.Core.Data;
using Research.Core.Losses;
using Research.Core.Parameterizations;
using Research.Core.Sampling;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Parameterizations.ClassifierGuided;

/// <summary>
/// Classifier guidance (Dhariwal &amp; Nichol, arXiv 2105.05233 §4): an ε-model trained with L_simple and a noisy
/// classifier p_φ(y | x_t, t) trained with cross-entropy on x_t ~ q(x_t | x₀); sampling shifts the ancestral mean by
/// s·Σ·∇log p (Algorithm 1) or the DDIM ε by −√(1−ᾱ)·s·∇log p (Algorithm 2). The scale, the target labels and the
/// variance come with the sampling request; s = 0 is exactly unguided sampling. With <c>learn_sigma</c> the ε-model learns
/// Σ as improved DDPM (Nichol &amp; Dhariwal, arXiv 2102.09672 eqs. 15–16), as ADM's models do, and the guided mean moves by
/// s·Σ_θ·∇log p with that learned Σ.
/// </summary>
public sealed class ClassifierGuidedParameterization : IParameterization, IReportsDiagnostics
{
    private readonly ClassifierGuidedOptions _options;
    private readonly BuildContext _context;
    private readonly Backbone _denoiser;
    private readonly Backbone _classifier;

    /// <summary>Builds ε_θ and p_φ from the shared backbone (the classifier is its pooled form).</summary>
    public ClassifierGuidedParameterization(ClassifierGuidedOptions options, BuildContext context)
    {
        if (context.NumClasses < 2)
            throw new ArgumentException("classifier-guided needs labelled data with at least 2 classes");
        if (!options.TrainDenoiser && !context.InitializedNetworks.Contains("denoiser"))
            throw new ArgumentException("classifier-guided: train_denoiser is false but training.init has no 'denoiser' entry, so the " +
                                        "ε-model would keep its random weights; point training.init.denoiser.path at a trained ε-model's checkpoint");
        _options = options;
        _context = context;
        _denoiser = context.Backbones.Create(new BackboneRequest("denoiser", context.Channels,
            options.LearnSigma ? 2 * context.Channels : context.Channels)
        {
            NumClasses = options.ClassConditional ? context.NumClasses : 0,
        });
        _classifier = context.Backbones.Create(new BackboneRequest("classifier", context.Channels, context.NumClasses, BackboneOutput.Pooled));
        _denoiser.to(context.Device);
        _classifier.to(context.Device);
        Networks = new Dictionary<string, nn.Module> { ["denoiser"] = _denoiser, ["classifier"] = _classifier };
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, nn.Module> Networks { get; }

    private NoiseSchedule Schedule => _context.Schedule;

    /// <inheritdoc />
    public IEnumerable<LossTerm> LossTerms(TrainBatch batch, StepInfo step)
    {
        if (_options.TrainDenoiser)
            yield return EpsDenoiserTerm.Create("denoiser", Schedule, EpsModel, Network, batch, step.Generator, _options.LearnSigma, _options.VlbWeight);
        LossTerm? term = null;
        term = new LossTerm("classifier", "classifier_loss", () =>
        {
            var loss = DiffusionLosses.NoisyClassifier(Schedule, Logits, batch.X0,
                batch.Labels ?? throw new ArgumentException("classifier-guided needs labels"), step.Generator, out var accuracy);
            term!.Parts["classifier_accuracy"] = accuracy;
            return loss;
        });
        yield return term;
    }

    /// <inheritdoc />
    public Tensor Sample(SampleRequest request)
    {
        var variance = ReverseVarianceNames.Resolve(request.Variance, _options.Variance, _options.LearnSigma);
        if (request.GuidanceScale != 0 || _options.ClassConditional)
        {
            if (request.Labels is null) throw new ArgumentException("guided or class-conditional sampling needs target labels");
        }
        var guided = request.GuidanceScale == 0 ? request : request with { Guidance = new ClassifierGuidance(Logits, request.GuidanceScale) };
        return EpsSampler.Sample(Schedule, Network, _context.SampleShape, guided, _context.Device, variance, _options.LearnSigma);
    }

    /// <summary>ε_θ alone, also when the ε-model learns Σ.</summary>
    public Tensor EpsModel(Tensor xt, Tensor t, Tensor? labels) =>
        _options.LearnSigma ? LearnedSigmaOutput.Eps(Network(xt, t, labels)) : Network(xt, t, labels);

    // The ε-model's whole output: ε̂, or [ε̂, v] with learn_sigma (what the shared sampler and the hybrid loss take).
    private Tensor Network(Tensor xt, Tensor t, Tensor? labels) =>
        _denoiser.call(xt, t, _options.ClassConditional ? labels : null, null);

    /// <summary>Logits of p_φ(y | x_t, t), <c>[B, K]</c>.</summary>
    public Tensor Logits(Tensor xt, Tensor t) => _classifier.call(xt, t, null, null);

    /// <inheritdoc />
    public int NumFunctionEvaluations(SampleRequest request) => EpsSampler.NumFunctionEvaluations(Schedule, request);

    /// <summary>Classifier accuracy on fresh data at several noise levels (ADM reports accuracy per noise level).</summary>
    public IReadOnlyDictionary<string, double> Diagnostics(IDataSource data, Generator generator)
    {
        var result = new Dictionary<string, double>();
        using var noGrad = no_grad();
        foreach (var f in _options.AccuracyAt)
        {
            using var scope = NewDisposeScope();
            int ti = Math.Min((int)Math.Round(f * (Schedule.NumTimesteps - 1)), Schedule.NumTimesteps - 1);
            var batch = data.NextBatch(2000, generator);
            var x0 = batch.X0.to(_context.Device);
            var t = full([x0.shape[0]], ti, dtype: int64, device: _context.Device);
            var xt = Schedule.QSample(x0, t, randn(x0.shape, generator: generator).to(_context.Device));
            var acc = Logits(xt, t).argmax(1).eq(batch.Labels!.to(_context.Device)).to(float32).mean().item<float>();
            result[$"classifier_accuracy@t={ti}"] = Math.Round(acc, 4);
        }
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _denoiser.Dispose();
        _classifier.Dispose();
    }
}
