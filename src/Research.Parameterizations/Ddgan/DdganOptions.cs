using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;

namespace Research.Parameterizations.Ddgan;

/// <summary>
/// Options of the DDGAN family (Xiao et al., "Tackling the Generative Learning Trilemma with Denoising Diffusion
/// GANs", arXiv 2112.07804). T comes from the shared schedule (<c>ddgan-vp</c>); learning rates and Adam betas of
/// <c>generator</c> and <c>discriminator</c> come from <c>training.optimizers</c>. The Table 2 ablations are values
/// of <see cref="GeneratorOutput"/>, <see cref="UseLatent"/> and <see cref="Mode"/>, not separate families.
/// </summary>
public sealed class DdganOptions : IValidatableOptions
{
    /// <summary>
    /// Squash the generator's x̂₀ with tanh into the data range [−1, 1] (default true: the official image generators).
    /// At 2-D the data touch ±1 (the grid's outer modes plus their clipped noise) and samples pushed into saturation
    /// get no gradient back and can pile up on the frame; false ends the generator in a linear layer, as SIDDM's 2-D
    /// script does (methods.md §7.4). Measured at 2-D in experiments/ddgan-ablation-2d/results.md ("Tuning").
    /// </summary>
    public bool TanhOutput { get; set; } = true;

    /// <summary>The values <see cref="GeneratorOutput"/> accepts.</summary>
    public static IReadOnlyList<string> GeneratorOutputs { get; } = ["x0", "x_prev", "eps"];

    /// <summary>The values <see cref="Mode"/> accepts.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["chain", "augmentation"];

    /// <summary>Latent size nz of z ~ N(0, I). Default 100: DDGAN CIFAR-10 command (<c>--nz 100</c>, methods.md §5.3).</summary>
    [Range(1, 4096)]
    public int Nz { get; set; } = 100;

    /// <summary>
    /// Feed z to the generator. Default true (DDGAN). False is Table 2's "no z" ablation: G(x_t, t) is
    /// deterministic, so p_θ(x_{t−1} | x_t) keeps only the posterior's Gaussian noise.
    /// </summary>
    public bool UseLatent { get; set; } = true;

    /// <summary>
    /// What the generator outputs (arXiv 2112.07804 Table 2; methods.md §6): <c>x0</c> (default, DDGAN: x̂₀ with tanh,
    /// then x_{t−1} ~ q(x_{t−1} | x_t, x̂₀)), <c>x_prev</c> ("direct denoising": x_{t−1} itself, no posterior) or
    /// <c>eps</c> ("noise generation": ε̂, then x̂₀ = (x_t − √(1−ᾱ_t) ε̂)/√ᾱ_t and the posterior).
    /// </summary>
    public string GeneratorOutput { get; set; } = "x0";

    /// <summary>
    /// <c>chain</c> (default): the T-step denoising chain with the pair discriminator D(x_{t−1}, x_t, t).
    /// <c>augmentation</c>: Table 2's one-shot GAN "with diffusion as augmentation": G(z) → x₀ in one evaluation
    /// (no x_t input), and a marginal D(x^{(t)}, t) that sees real and generated samples diffused to a random step
    /// t of the schedule by the same forward process. NFE is 1 whatever T is; T only sets the augmentation levels.
    /// </summary>
    public string Mode { get; set; } = "chain";

    /// <summary>
    /// Group size of the minibatch standard-deviation feature appended to the discriminator's trunk (0 = off).
    /// Default 4: DDGAN's official discriminator (minibatch-stddev with group 4, methods.md §5.4).
    /// </summary>
    [Range(0, 1024)]
    public int MinibatchStdGroup { get; set; } = 4;

    /// <summary>
    /// D updates per G update (<c>discriminator_steps</c>; WGAN's n_critic, arXiv 1701.07875 Alg. 1), each on the step's
    /// real batch with its own t, noise and z. 1 (the paper's setting) by default; more keeps D ahead of a fast G.
    /// </summary>
    [Range(1, 100)]
    public int DiscriminatorSteps { get; set; } = 1;

    /// <summary>
    /// Log D's accuracy at each step index (<c>d_acc_t0</c> … <c>d_acc_t{T−1}</c>, <see cref="Research.Core.Adversarial.GanDiagnostics"/>):
    /// where a discriminator loss near 2 ln 2 comes from. Off by default: T extra metrics and a few kernels per step.
    /// </summary>
    public bool LogAccuracyPerStep { get; set; }

    /// <summary>
    /// R1 weight γ on real x_{t−1}. Default 0.02: DDGAN CIFAR-10 command (<c>--r1_gamma 0.02</c>); 0 turns R1 off.
    /// </summary>
    [Range(0.0, 1e6)]
    public double R1Gamma { get; set; } = 0.02;

    /// <summary>Apply R1 every this many steps (lazy regularisation, not rescaled). Default 15: DDGAN CIFAR-10 command (<c>--lazy_reg 15</c>); 1 = every step.</summary>
    [Range(1, 1_000_000)]
    public int LazyReg { get; set; } = 15;

    /// <summary>Whether the generator is the one-shot z → x₀ network of <c>mode: augmentation</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsAugmentation => Mode == "augmentation";

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (!GeneratorOutputs.Contains(GeneratorOutput))
            yield return $"generator_output: '{GeneratorOutput}' is not one of {string.Join(", ", GeneratorOutputs)}";
        if (!Modes.Contains(Mode))
            yield return $"mode: '{Mode}' is not one of {string.Join(", ", Modes)}";
        if (IsAugmentation && GeneratorOutput != "x0")
            yield return $"generator_output: mode 'augmentation' has no x_t to denoise, so it needs 'x0', not '{GeneratorOutput}'";
        if (IsAugmentation && !UseLatent)
            yield return "use_latent: mode 'augmentation' generates from z alone; without z it would output one point";
    }
}
