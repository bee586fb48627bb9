using Research.Core.Adversarial;
using Research.Core.Backbones;
using Research.Core.Data;
using Research.Core.Parameterizations;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Parameterizations.Siddm;

/// <summary>
/// Semi-implicit denoising diffusion model (Xu et al., arXiv 2306.12511). The generator is DDGAN's
/// (x̂₀ = G(x_t, z, t), then x′_{t−1} ~ q(x_{t−1} | x_t, x̂₀)); the joint is matched through its factorisation
/// q(x_{t−1}) q(x_t | x_{t−1}) (§3.1, eq. 7): a marginal adversarial term with D(x_{t−1}, t), which never sees x_t,
/// plus λ_AFD·KL(p_θ(x_t | x′_{t−1}) ‖ q(x_t | x_{t−1})) (the auxiliary forward diffusion, §3.2, eqs. 9–11): an
/// explicit Gaussian cross-entropy minus an entropy estimated by a regression head C_ψ on D's trunk. D is
/// regularised by a denoising head D_den on real samples (§3.3) instead of R1. Losses per docs/methods.md §5.2; the
/// readings of A1–A6 are options, argued in docs/siddm-decisions.md. Sampling is DDGAN's chain: NFE = T.
/// </summary>
public sealed class SiddmParameterization : AdversarialDiffusionParameterization
{
    /// <summary>Name of C_ψ, the discriminator head that regresses x_t from x′_{t−1}.</summary>
    public const string RegressionHead = "regression";

    /// <summary>Name of D_den, the discriminator head that predicts x₀ from real x_{t−1}.</summary>
    public const string DenoisingHead = "denoiser";

    private readonly SiddmOptions _options;
    private readonly string[] _detachInDiscriminatorStep;   // [RegressionHead] when afd_trains_trunk is false (A3)

    /// <summary>Builds G and D (with the heads the options use) from the shared backbone.</summary>
    public SiddmParameterization(SiddmOptions options, BuildContext context)
        : base("siddm", context, CreateGenerator(Validated(options), context), CreateDiscriminator(options, context), options.DiscriminatorSteps)
    {
        _options = options;
        _detachInDiscriminatorStep = options.HasRegressionHead && !options.AfdTrainsTrunk ? [RegressionHead] : [];
    }

    private static SiddmOptions Validated(SiddmOptions options)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0) throw new ArgumentException("siddm: " + string.Join("; ", problems), nameof(options));
        return options;
    }

    private static Backbone CreateGenerator(SiddmOptions options, BuildContext context) =>
        context.Backbones.Create(new BackboneRequest("generator", context.Channels, context.Channels)
        {
            LatentDim = options.UseLatent ? options.Nz : 0,
            TanhOutput = options.TanhOutput,
        });

    private static Backbone CreateDiscriminator(SiddmOptions options, BuildContext context)
    {
        var heads = new List<BackboneHead>();
        if (options.HasRegressionHead) heads.Add(new BackboneHead(RegressionHead, context.Channels));
        if (options.LambdaReg > 0) heads.Add(new BackboneHead(DenoisingHead, context.Channels));
        return context.Backbones.Create(new BackboneRequest("discriminator", context.Channels, 1, BackboneOutput.Pooled)
        {
            Heads = heads,
            MinibatchStdGroup = options.MinibatchStdGroup,
        });
    }

    // L_{D,C} = softplus(−D(x_{t−1})) + softplus(D(x′_{t−1})) + λ_AFD·w_t‖x_t − C_ψ(x′_{t−1})‖²
    //         + λ_reg‖D_den(x_{t−1}) − x₀‖² [+ R1], with x′_{t−1} detached (docs/methods.md §5.2). With afd_trains_trunk false
    //         C_ψ reads D's trunk detached in this term only, so its regression error trains C_ψ's own layers (A3).
    /// <inheritdoc />
    protected override Tensor DiscriminatorLoss(Tensor x0, StepInfo step, Dictionary<string, Tensor> parts)
    {
        var pair = DiffusionPair.Draw(Schedule, x0, step.Generator);
        bool r1 = _options.R1Gamma > 0 && R1Penalty.Due(step.Step, _options.LazyReg);
        var xPrev = pair.XPrev.detach();
        if (r1) xPrev.requires_grad_(true);
        var real = DiscriminatorNetwork.ForwardHeads(xPrev, pair.T, null, null);
        Tensor xPrevFake;
        using (no_grad()) xPrevFake = ReverseStep(pair.XT, pair.T, step.Generator);  // G is not trained by this term
        var fake = DiscriminatorNetwork.ForwardHeads(xPrevFake, pair.T, null, null, _detachInDiscriminatorStep);
        var lossReal = GanLosses.DiscriminatorReal(real[BackboneHead.Main]);
        var lossFake = GanLosses.DiscriminatorFake(fake[BackboneHead.Main]);
        parts["d_real"] = lossReal;
        parts["d_fake"] = lossFake;
        if (_options.LogAccuracyPerStep)
            GanDiagnostics.AccuracyPerStep(parts, real[BackboneHead.Main], fake[BackboneHead.Main], pair.T, Schedule.NumTimesteps);
        var loss = lossReal + lossFake;
        if (_options.HasRegressionHead)
        {
            // C_ψ's regression error on generated pairs: −log p_ψ(x_t | x′_{t−1}) up to constants (eq. 11).
            var regression = WeightedSquare(pair.XT - fake[RegressionHead], pair.T);
            parts["d_afd"] = regression;
            loss = loss + regression * _options.LambdaAfd;
        }
        if (_options.LambdaReg > 0)
        {
            var denoise = (real[DenoisingHead] - x0).square().flatten(1).sum(1).mean();
            parts["d_den"] = denoise;
            loss = loss + denoise * _options.LambdaReg;
        }
        if (r1)
        {
            var penalty = R1Penalty.Compute(real[BackboneHead.Main], xPrev, _options.R1Gamma);
            parts["r1"] = penalty;
            loss = loss + penalty;
        }
        return loss;
    }

    // L_G = softplus(−D(x′_{t−1})) + λ_AFD·(CE − Ĥ) with CE = w_t‖x_t − √(1−β_t) x′_{t−1}‖² (A1: x_t) or
    // w_t(1−β_t)‖x′_{t−1} − x_{t−1}‖² (A1: x_prev), and Ĥ = w_t‖x_t − C_ψ(x′_{t−1})‖² (eqs. 9–11; D, C_ψ frozen).
    // No head is detached here whatever afd_trains_trunk says: Ĥ's gradient reaches G through D's frozen trunk.
    /// <inheritdoc />
    protected override Tensor GeneratorLoss(Tensor x0, StepInfo step, Dictionary<string, Tensor> parts)
    {
        var generator = step.Generator;
        var pair = DiffusionPair.Draw(Schedule, x0, generator);
        var xPrevFake = ReverseStep(pair.XT, pair.T, generator);
        IReadOnlyDictionary<string, Tensor> outputs;
        using (new FrozenParameters(DiscriminatorNetwork)) outputs = DiscriminatorNetwork.ForwardHeads(xPrevFake, pair.T, null, null);
        var adv = GanLosses.Generator(outputs[BackboneHead.Main]);
        parts["g_adv"] = adv;
        if (_options.LambdaAfd <= 0) return adv;
        var sqrtAlpha = Schedule.Extract(ScheduleCoefficient.SqrtAlphas, pair.T, xPrevFake.dim());
        var residual = _options.AfdTarget == "x_prev"
            ? sqrtAlpha * (xPrevFake - pair.XPrev)                                    // √(1−β_t)(x′_{t−1} − x_{t−1})
            : pair.XT - sqrtAlpha * xPrevFake;                                        // x_t − √(1−β_t) x′_{t−1}
        var crossEntropy = WeightedSquare(residual, pair.T);
        parts["g_ce"] = crossEntropy;
        var kl = crossEntropy;
        if (_options.HasRegressionHead)
        {
            var entropy = WeightedSquare(pair.XT - outputs[RegressionHead], pair.T);
            parts["g_ent"] = entropy;
            kl = kl - entropy;
        }
        return adv + kl * _options.LambdaAfd;
    }

    // mean_b w_t‖r_b‖² with w_t from A2. r [B, ...], t [B] → 0-d.
    private Tensor WeightedSquare(Tensor r, Tensor t)
    {
        var squared = r.square().flatten(1).sum(1);                                  // [B]
        if (_options.AfdWeight == "one") return squared.mean();
        var beta = Schedule.Extract(ScheduleCoefficient.Betas, t, 1);               // [B]
        var w = _options.AfdWeight == "inv_beta" ? beta.reciprocal() : beta.mul(2).reciprocal();
        return (squared * w).mean();
    }

    // x_t → x′_{t−1}: x̂₀ = G(x_t, z, t) with a fresh z, then the posterior (x̂₀ itself at t = 0). [B, ...].
    private Tensor ReverseStep(Tensor xT, Tensor t, Generator generator)
    {
        var z = _options.UseLatent ? Latent(xT.shape[0], _options.Nz, generator, xT.device) : null;
        var x0Pred = GeneratorNetwork.call(xT, t, null, z);
        return GanChainSampler.PosteriorStep(Schedule, x0Pred, xT, t, generator);
    }

    /// <inheritdoc />
    protected override Tensor SampleStep(Tensor x, Tensor t, Generator generator) => ReverseStep(x, t, generator);
}
