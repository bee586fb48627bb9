using Research.Core.Backbones;
using Research.Core.Data;
using Research.Core.Parameterizations;
using Research.Core.Sampling;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Plugins.VPrediction;

/// <summary>
/// v-prediction: the denoiser predicts v = √ᾱ_t ε − √(1−ᾱ_t) x₀ and is trained with ‖v − v_θ(x_t, t)‖²;
/// sampling converts v̂ to ε̂ = √ᾱ_t v̂ + √(1−ᾱ_t) x_t and runs the shared <see cref="EpsSampler"/>
/// (ancestral or DDIM, on any respacing).
/// </summary>
/// <remarks>Salimans &amp; Ho, arXiv 2202.00512, §4 and appendix D. An external plugin: see docs/adding-a-parameterization.md.</remarks>
public sealed class VPredictionParameterization : IParameterization
{
    private readonly VPredictionOptions _options;
    private readonly BuildContext _context;
    private readonly Backbone _denoiser;

    /// <summary>Builds v_θ from the shared backbone.</summary>
    public VPredictionParameterization(VPredictionOptions options, BuildContext context)
    {
        _options = options;
        _context = context;
        _denoiser = context.Backbones.Create(new BackboneRequest("denoiser", context.Channels, context.Channels));
        _denoiser.to(context.Device);
        Networks = new Dictionary<string, nn.Module> { ["denoiser"] = _denoiser };
    }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, nn.Module> Networks { get; }

    private NoiseSchedule Schedule => _context.Schedule;

    /// <inheritdoc />
    public IEnumerable<LossTerm> LossTerms(TrainBatch batch, StepInfo step)
    {
        yield return new LossTerm("denoiser", "loss", () =>
        {
            var x0 = batch.X0;                                                                         // [B, ...]
            var t = randint(0, Schedule.NumTimesteps, [x0.shape[0]], dtype: int64, device: x0.device, generator: step.Generator);
            var eps = randn(x0.shape, device: x0.device, generator: step.Generator);
            var xt = Schedule.QSample(x0, t, eps);
            var v = Schedule.VelocityTarget(x0, t, eps);
            return nn.functional.mse_loss(_denoiser.call(xt, t, null, null), v);
        });
    }

    /// <inheritdoc />
    public Tensor Sample(SampleRequest request)
    {
        var variance = ReverseVarianceNames.Resolve(request.Variance, _options.Variance, learnsSigma: false);
        return EpsSampler.Sample(Schedule, EpsModel, _context.SampleShape, request, _context.Device, variance);
    }

    /// <summary>v_θ seen as an ε-model: ε̂ = √ᾱ v̂ + √(1−ᾱ) x_t. Shapes: x_t and result <c>[B, ...]</c>.</summary>
    public Tensor EpsModel(Tensor xt, Tensor t, Tensor? labels)
    {
        using var v = _denoiser.call(xt, t, null, null);
        return Schedule.PredictEpsFromVelocity(xt, t, v);
    }

    /// <inheritdoc />
    public int NumFunctionEvaluations(SampleRequest request) => EpsSampler.NumFunctionEvaluations(Schedule, request);

    /// <inheritdoc />
    public void Dispose() => _denoiser.Dispose();
}
