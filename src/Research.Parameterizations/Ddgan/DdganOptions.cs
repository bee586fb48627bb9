using Research.Core.Adversarial;
using Research.Core.Configuration;

namespace Research.Parameterizations.Ddgan;

/// <summary>
/// Options of the DDGAN family (Xiao et al., "Tackling the Generative Learning Trilemma with Denoising Diffusion
/// GANs", arXiv 2112.07804). T comes from the shared schedule (<c>ddgan-vp</c>); learning rates and Adam betas of
/// <c>generator</c> and <c>discriminator</c> come from <c>training.optimizers</c>. The Table 2 ablations are values
/// of <see cref="GeneratorOutput"/>, <see cref="AdversarialOptions.UseLatent"/> and <see cref="Mode"/>, not separate families.
/// </summary>
public sealed class DdganOptions : AdversarialOptions, IValidatableOptions
{
    /// <summary>
    /// DDGAN's defaults; the shared keys (nz, use_latent, tanh_output, minibatch_std_group, discriminator_steps, R1)
    /// are declared in <see cref="AdversarialOptions"/>. R1: γ = 0.02 every 15 steps, the CIFAR-10 command
    /// (<c>--r1_gamma 0.02 --lazy_reg 15</c>, docs/methods.md §4.5).
    /// </summary>
    public DdganOptions() : base(r1Gamma: 0.02, lazyReg: 15) { }

    /// <summary>The values <see cref="GeneratorOutput"/> accepts.</summary>
    public static IReadOnlyList<string> GeneratorOutputs { get; } = ["x0", "x_prev", "eps"];

    /// <summary>The values <see cref="Mode"/> accepts.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["chain", "augmentation"];

    /// <summary>
    /// What the generator outputs (arXiv 2112.07804 Table 2; docs/methods.md §4.7): <c>x0</c> (default, DDGAN: x̂₀ with tanh,
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
