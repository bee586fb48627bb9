using Research.Core.Backbones;
using Research.Core.Data;
using Research.Core.Parameterizations;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Adversarial;

/// <summary>
/// What the adversarial diffusion families (DDGAN arXiv 2112.07804, SIDDM arXiv 2306.12511) have in common: a
/// generator and a discriminator built from the shared backbone, one training step as the discriminator term (k times,
/// k = <c>discriminator_steps</c>) then the generator term (each drawing its own t and pair), the T-step chain sampler (NFE = T) and disposal. A family
/// supplies its two losses and its reverse step; the math they share (posterior step, R1, the losses, the real pair)
/// is in this namespace.
/// </summary>
public abstract class AdversarialDiffusionParameterization : IParameterization
{
    private readonly string _family;
    private readonly int _discriminatorSteps;

    /// <summary>Takes ownership of <paramref name="generator"/> and <paramref name="discriminator"/> and moves them to the context's device.</summary>
    /// <param name="family">The family's registered name (for messages).</param>
    /// <param name="context">The shared schedule, backbone factory, device and data shape.</param>
    /// <param name="generator">G, built from the shared backbone.</param>
    /// <param name="discriminator">D, built from the shared backbone.</param>
    /// <param name="discriminatorSteps">D updates per G update (WGAN's n_critic, arXiv 1701.07875 Alg. 1): each on the step's
    /// real batch with its own t, noise and z. 1 is DDGAN's and SIDDM's setting.</param>
    protected AdversarialDiffusionParameterization(string family, BuildContext context, Backbone generator, Backbone discriminator,
        int discriminatorSteps = 1)
    {
        if (discriminatorSteps < 1) throw new ArgumentOutOfRangeException(nameof(discriminatorSteps), discriminatorSteps, "at least one D update per step");
        _family = family;
        _discriminatorSteps = discriminatorSteps;
        Context = context;
        GeneratorNetwork = generator;
        DiscriminatorNetwork = discriminator;
        generator.to(context.Device);
        discriminator.to(context.Device);
        Networks = new Dictionary<string, nn.Module> { ["generator"] = generator, ["discriminator"] = discriminator };
    }

    /// <summary>The shared schedule, backbone factory, device and data shape.</summary>
    protected BuildContext Context { get; }

    /// <summary>The shared noise schedule.</summary>
    protected NoiseSchedule Schedule => Context.Schedule;

    /// <summary>G, trained by the generator term.</summary>
    protected Backbone GeneratorNetwork { get; }

    /// <summary>D, trained by the discriminator term.</summary>
    protected Backbone DiscriminatorNetwork { get; }

    /// <inheritdoc />
    public IReadOnlyDictionary<string, nn.Module> Networks { get; }

    /// <summary>Steps of the sampling chain, i.e. its network evaluations (T; 1 for a one-shot generator).</summary>
    protected virtual int ChainSteps => Schedule.NumTimesteps;

    /// <inheritdoc />
    public IEnumerable<LossTerm> LossTerms(TrainBatch batch, StepInfo step)
    {
        for (int k = 0; k < _discriminatorSteps; k++)
        {
            LossTerm? d = null;
            d = new LossTerm("discriminator", "d_loss", () => DiscriminatorLoss(batch.X0, step, d!.Parts));
            yield return d;
        }
        LossTerm? g = null;
        g = new LossTerm("generator", "g_loss", () => GeneratorLoss(batch.X0, step, g!.Parts));
        yield return g;
    }

    /// <summary>The discriminator's loss on real data <paramref name="x0"/> <c>[B, ...]</c>; G must not get gradients from it.</summary>
    protected abstract Tensor DiscriminatorLoss(Tensor x0, StepInfo step, Dictionary<string, Tensor> parts);

    /// <summary>The generator's loss on a fresh draw from <paramref name="x0"/>; D's parameters must not get gradients from it.</summary>
    protected abstract Tensor GeneratorLoss(Tensor x0, StepInfo step, Dictionary<string, Tensor> parts);

    /// <summary>One step of the sampling chain at index t (x_t → x_{t−1}; x̂₀ where t = 0). Shapes: x <c>[B, ...]</c>, t <c>[B]</c>.</summary>
    protected abstract Tensor SampleStep(Tensor x, Tensor t, Generator generator);

    /// <summary>A latent z ~ N(0, I) <c>[B, nz]</c> from <paramref name="generator"/>, on <paramref name="device"/>.</summary>
    protected static Tensor Latent(long batch, int nz, Generator generator, Device device) =>
        randn([batch, nz], generator: generator, device: generator.device).to(device);

    /// <inheritdoc />
    public Tensor Sample(SampleRequest request) =>
        GanChainSampler.Sample(NumFunctionEvaluations(request), (x, t) => SampleStep(x, t, request.Generator),
            Context.SampleShape, request, Context.Device);

    /// <inheritdoc />
    public int NumFunctionEvaluations(SampleRequest request) => GanChainSampler.CheckSteps(_family, ChainSteps, request);

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes both networks.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        GeneratorNetwork.Dispose();
        DiscriminatorNetwork.Dispose();
    }
}
