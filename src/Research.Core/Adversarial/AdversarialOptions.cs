using System.ComponentModel.DataAnnotations;

namespace Research.Core.Adversarial;

/// <summary>
/// The options every adversarial diffusion family shares (DDGAN arXiv 2112.07804, SIDDM arXiv 2306.12511, and a new
/// family deriving from <see cref="AdversarialDiffusionParameterization"/>): the latent, the generator's output
/// squashing, the discriminator's minibatch-stddev feature, D updates per G update, R1 and a diagnostic. Declared
/// once here so that the families read the same keys with the same meaning; a family's options class derives from it,
/// adds its own keys and sets its own R1 defaults.
/// </summary>
public abstract class AdversarialOptions
{
    /// <summary>Sets the family's R1 defaults (DDGAN uses R1, SIDDM replaces it).</summary>
    /// <param name="r1Gamma">Default of <see cref="R1Gamma"/>.</param>
    /// <param name="lazyReg">Default of <see cref="LazyReg"/>.</param>
    protected AdversarialOptions(double r1Gamma, int lazyReg)
    {
        R1Gamma = r1Gamma;
        LazyReg = lazyReg;
    }

    /// <summary>Latent size nz of z ~ N(0, I). Default 100: DDGAN's CIFAR-10 command (<c>--nz 100</c>, docs/methods.md §4.5), on whose code SIDDM builds.</summary>
    [Range(1, 4096)]
    public int Nz { get; set; } = 100;

    /// <summary>
    /// Feed z to the generator. Default true (DDGAN's and SIDDM's G(x_t, z, t)). False is DDGAN's Table 2 "no z"
    /// ablation: G(x_t, t) is deterministic, so p_θ(x_{t−1} | x_t) keeps only the posterior's Gaussian noise.
    /// </summary>
    public bool UseLatent { get; set; } = true;

    /// <summary>
    /// Squash the generator's x̂₀ with tanh into the data range [−1, 1] (default true: the official image generators).
    /// At 2-D the data touch ±1 (the grid's outer modes plus their clipped noise) and samples pushed into saturation
    /// get no gradient back and can pile up on the frame; false ends the generator in a linear layer, as SIDDM's 2-D
    /// script does (docs/methods.md §5.5); data in raw coordinates need it. Measured at 2-D in
    /// experiments/ddgan-ablation-2d/results.md ("Tuning").
    /// </summary>
    public bool TanhOutput { get; set; } = true;

    /// <summary>
    /// Group size of the minibatch standard-deviation feature appended to the discriminator's trunk (0 = off).
    /// Default 4: DDGAN's official discriminator (minibatch-stddev with group 4, docs/methods.md §4.6).
    /// </summary>
    [Range(0, 1024)]
    public int MinibatchStdGroup { get; set; } = 4;

    /// <summary>
    /// D updates per G update (<c>discriminator_steps</c>; WGAN's n_critic, arXiv 1701.07875 Alg. 1), each on the step's
    /// real batch with its own t, noise and z. 1 (both papers' setting) by default; more keeps D ahead of a fast G.
    /// </summary>
    [Range(1, 100)]
    public int DiscriminatorSteps { get; set; } = 1;

    /// <summary>
    /// Log D's accuracy at each step index (<c>d_acc_t0</c> … <c>d_acc_t{T−1}</c>, <see cref="GanDiagnostics"/>):
    /// where a discriminator loss near 2 ln 2 comes from. Off by default: T extra metrics and a few kernels per step.
    /// </summary>
    public bool LogAccuracyPerStep { get; set; }

    /// <summary>R1 weight γ on D's real input (<see cref="R1Penalty"/>); 0 turns R1 off. The default is the family's.</summary>
    [Range(0.0, 1e6)]
    public double R1Gamma { get; set; }

    /// <summary>Apply R1 every this many steps (lazy regularisation, not rescaled; 1 = every step). The default is the family's.</summary>
    [Range(1, 1_000_000)]
    public int LazyReg { get; set; }
}
