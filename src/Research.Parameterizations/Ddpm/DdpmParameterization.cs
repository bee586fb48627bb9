using Research.Core.Backbones;
using Research.Core.Data;
using Research.Core.Losses;
using Research.Core.Parameterizations;
using Research.Core.Sampling;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Parameterizations.Ddpm;

/// <summary>
/// DDPM with ε-prediction: trained with L_simple = E‖ε − ε_θ(√ᾱ_t x₀ + √(1−ᾱ_t) ε, t)‖²
/// (Ho et al., arXiv 2006.11239, eq. 14 / Algorithm 1), or with <c>learn_sigma</c> as improved DDPM: the network outputs
/// [ε, v], Σ_θ = exp(f log β_t + (1 − f) log β̃_t), f = (v + 1)/2 (Nichol &amp; Dhariwal, arXiv 2102.09672 eq. 15), trained
/// with L_hybrid = L_simple + λ·L_vlb (eq. 16). Sampled ancestrally (Algorithm 2) with the variance the request chooses, or
/// with DDIM, on any respacing of the chain, the step count chosen at sampling time.
/// </summary>
public sealed class DdpmParameterization : IParameterization
{
    private readonly DdpmOptions _options;
    private readonly BuildContext _context;
    private readonly Backbone _denoiser;

    /// <summary>Builds ε_θ from the shared backbone.</summary>
    public DdpmParameterization(DdpmOptions options, BuildContext context)
    {
        if (options.ClassConditional && context.NumClasses == 0)
            throw new ArgumentException("ddpm-eps: class_conditional needs labelled data (the dataset has no classes)");
        _options = options;
        _context = context;
        _denoiser = context.Backbones.Create(new BackboneRequest("denoiser", context.Channels,
            options.LearnSigma ? 2 * context.Channels : context.Channels)
        {
            NumClasses = options.ClassConditional ? context.NumClasses : 0,
        });
        _denoiser.to(context.Device);
        Networks = new Dictionary<string, nn.Module> { ["denoiser"] = _denoiser };
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, nn.Module> Networks { get; }

    private NoiseSchedule Schedule => _context.Schedule;

    /// <inheritdoc />
    public IEnumerable<LossTerm> LossTerms(TrainBatch batch, StepInfo step)
    {
        yield return EpsDenoiserTerm.Create("denoiser", Schedule, EpsModel, Network, batch, step.Generator, _options.LearnSigma, _options.VlbWeight);
    }

    /// <inheritdoc />
    public Tensor Sample(SampleRequest request)
    {
        if (_options.ClassConditional && request.Labels is null)
            throw new ArgumentException("ddpm-eps: a class-conditional model needs labels in the sampling request");
        var variance = ReverseVarianceNames.Resolve(request.Variance, _options.Variance, _options.LearnSigma);
        return EpsSampler.Sample(Schedule, Network, _context.SampleShape, request, _context.Device, variance, _options.LearnSigma);
    }

    /// <summary>The denoiser as an ε-model: ε̂ alone, also when it learns Σ.</summary>
    public Tensor EpsModel(Tensor xt, Tensor t, Tensor? labels) =>
        _options.LearnSigma ? LearnedSigmaOutput.Eps(Network(xt, t, labels)) : Network(xt, t, labels);

    // The denoiser's whole output: ε̂, or [ε̂, v] with learn_sigma (what the shared sampler and the hybrid loss take).
    private Tensor Network(Tensor xt, Tensor t, Tensor? labels) =>
        _denoiser.call(xt, t, _options.ClassConditional ? labels : null, null);

    /// <inheritdoc />
    public int NumFunctionEvaluations(SampleRequest request) => EpsSampler.NumFunctionEvaluations(Schedule, request);

    /// <inheritdoc />
    public void Dispose() => _denoiser.Dispose();
}
