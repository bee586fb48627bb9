using Research.Core.Adversarial;
using Research.Core.Backbones;
using Research.Core.Data;
using Research.Core.Parameterizations;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Parameterizations.Ddgan;

/// <summary>
/// Denoising diffusion GAN (Xiao et al., arXiv 2112.07804): p_θ(x_{t−1} | x_t) = ∫ p(z) q(x_{t−1} | x_t, x₀ = G_θ(x_t, z, t)) dz
/// (eq. 9), trained with a time-conditional discriminator D_φ(x_{t−1}, x_t, t) on the joint of each step, non-saturating
/// losses (eqs. 6–7) and R1 on real x_{t−1} (§4; official <c>train_ddgan.py</c>, docs/methods.md §4.3). Each training step
/// yields the D term, then the G term; each draws its own t and pair. Sampling runs the T-step chain, a fresh z per
/// step, and returns x̂₀ at the last step (NFE = T). Table 2's ablations are options (<see cref="DdganOptions"/>).
/// </summary>
public sealed class DdganParameterization : AdversarialDiffusionParameterization
{
    private readonly DdganOptions _options;

    /// <summary>Builds G and D from the shared backbone.</summary>
    public DdganParameterization(DdganOptions options, BuildContext context)
        : base("ddgan", context, CreateGenerator(Validated(options), context), CreateDiscriminator(options, context), options.DiscriminatorSteps)
    {
        _options = options;
    }

    private static DdganOptions Validated(DdganOptions options)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0) throw new ArgumentException("ddgan: " + string.Join("; ", problems), nameof(options));
        return options;
    }

    private static Backbone CreateGenerator(DdganOptions options, BuildContext context) =>
        context.Backbones.Create(new BackboneRequest("generator", context.Channels, context.Channels)
        {
            LatentDim = options.UseLatent ? options.Nz : 0,
            TanhOutput = options.TanhOutput && options.GeneratorOutput == "x0",   // only x₀ lives in the data range [−1, 1]
        });

    // Chain: D sees the pair (x_{t−1}, x_t) stacked on channels. Augmentation: D sees one diffused sample.
    private static Backbone CreateDiscriminator(DdganOptions options, BuildContext context) =>
        context.Backbones.Create(new BackboneRequest("discriminator", options.IsAugmentation ? context.Channels : 2 * context.Channels, 1,
            BackboneOutput.Pooled) { MinibatchStdGroup = options.MinibatchStdGroup });

    /// <inheritdoc />
    protected override int ChainSteps => _options.IsAugmentation ? 1 : Schedule.NumTimesteps;

    // L_D = softplus(−D(x_{t−1}, x_t, t)) + softplus(D(x′_{t−1}, x_t, t)) [+ (γ/2)‖∇_{x_{t−1}} D‖² when due].
    /// <inheritdoc />
    protected override Tensor DiscriminatorLoss(Tensor x0, StepInfo step, Dictionary<string, Tensor> parts)
    {
        var (t, realIn, xT) = DrawReal(x0, step.Generator);
        bool r1 = _options.R1Gamma > 0 && R1Penalty.Due(step.Step, _options.LazyReg);
        var xPrev = realIn.detach();
        if (r1) xPrev.requires_grad_(true);
        var dReal = Discriminate(xPrev, xT, t);                                          // [B, 1]
        var lossReal = GanLosses.DiscriminatorReal(dReal);
        Tensor xPrevFake;
        using (no_grad()) xPrevFake = Fake(xT, t, x0.shape[0], step.Generator);       // G is not trained by this term
        var dFake = Discriminate(xPrevFake, xT, t);
        var lossFake = GanLosses.DiscriminatorFake(dFake);
        var loss = lossReal + lossFake;
        parts["d_real"] = lossReal;
        parts["d_fake"] = lossFake;
        if (_options.LogAccuracyPerStep) GanDiagnostics.AccuracyPerStep(parts, dReal, dFake, t, Schedule.NumTimesteps);
        if (r1)
        {
            var penalty = R1Penalty.Compute(dReal, xPrev, _options.R1Gamma);
            parts["r1"] = penalty;
            loss = loss + penalty;
        }
        return loss;
    }

    // L_G = softplus(−D(x′_{t−1}, x_t, t)) on a fresh pair; D's parameters are frozen during its forward pass.
    /// <inheritdoc />
    protected override Tensor GeneratorLoss(Tensor x0, StepInfo step, Dictionary<string, Tensor> parts)
    {
        var generator = step.Generator;
        var (t, _, xT) = DrawReal(x0, generator);
        var xPrevFake = Fake(xT, t, x0.shape[0], generator);
        Tensor logits;
        using (new FrozenParameters(DiscriminatorNetwork)) logits = Discriminate(xPrevFake, xT, t);
        var loss = GanLosses.Generator(logits);
        parts["g_adv"] = loss;
        return loss;
    }

    // Chain: t, the real x_{t−1} and its x_t. Augmentation: t, the real x₀ diffused to step t, and no x_t.
    private (Tensor T, Tensor Real, Tensor? XT) DrawReal(Tensor x0, Generator generator)
    {
        if (!_options.IsAugmentation)
        {
            var pair = DiffusionPair.Draw(Schedule, x0, generator);
            return (pair.T, pair.XPrev, pair.XT);
        }
        var t = randint(0, Schedule.NumTimesteps, [x0.shape[0]], dtype: int64, device: x0.device, generator: generator);
        var eps = randn(x0.shape, device: x0.device, generator: generator);
        return (t, DiffusionPair.Diffuse(Schedule, x0, t, eps), null);
    }

    // What D compares with the real input: x′_{t−1} given x_t (chain), or G(z) diffused to step t (augmentation).
    private Tensor Fake(Tensor? xT, Tensor t, long batch, Generator generator)
    {
        if (xT is not null) return ReverseStep(xT, t, generator);
        var x0Pred = OneShot(batch, generator);
        var eps = randn(x0Pred.shape, generator: generator, device: generator.device).to(x0Pred.device);
        return DiffusionPair.Diffuse(Schedule, x0Pred, t, eps);
    }

    /// <summary>
    /// One reverse step x_t → x_{t−1} with a fresh z (where used) and posterior noise from <paramref name="generator"/>;
    /// returns x̂₀ where t = 0. Shapes: x_t, result <c>[B, ...]</c>; t <c>[B]</c>.
    /// </summary>
    private Tensor ReverseStep(Tensor xT, Tensor t, Generator generator)
    {
        var z = _options.UseLatent ? Latent(xT.shape[0], _options.Nz, generator, xT.device) : null;
        var output = GeneratorNetwork.call(xT, t, null, z);
        return _options.GeneratorOutput switch
        {
            "x_prev" => output,
            "eps" => GanChainSampler.PosteriorStep(Schedule, Schedule.PredictX0FromEps(xT, t, output), xT, t, generator),
            _ => GanChainSampler.PosteriorStep(Schedule, output, xT, t, generator),
        };
    }

    // The one-shot generator of mode 'augmentation': the shared backbone with its x input held at 0 and t at 0,
    // so it is a function of z alone (the input layer reduces to its bias). [B, ...SampleShape].
    private Tensor OneShot(long batch, Generator generator)
    {
        var z = Latent(batch, _options.Nz, generator, Context.Device);
        var x = zeros([batch, .. Context.SampleShape], device: Context.Device);
        var t = zeros([batch], dtype: int64, device: Context.Device);
        return GeneratorNetwork.call(x, t, null, z);
    }

    // D(x_{t−1}, x_t, t) on the channel-stacked pair (chain) or D(x, t) (augmentation) → logits [B, 1].
    private Tensor Discriminate(Tensor x, Tensor? xT, Tensor t) =>
        DiscriminatorNetwork.call(xT is null ? x : cat([x, xT], 1), t, null, null);

    /// <inheritdoc />
    protected override Tensor SampleStep(Tensor x, Tensor t, Generator generator) =>
        _options.IsAugmentation ? OneShot(x.shape[0], generator) : ReverseStep(x, t, generator);
}
