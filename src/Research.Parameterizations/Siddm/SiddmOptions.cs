using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;

namespace Research.Parameterizations.Siddm;

/// <summary>
/// Options of the SIDDM family (Xu et al., "Semi-Implicit Denoising Diffusion Models", arXiv 2306.12511). Every
/// reading of an ambiguity of the paper (methods.md §7.3, A1–A6) that is worth comparing is an option here; the
/// decisions and their reasons are in docs/siddm-decisions.md. T comes from the shared schedule; learning rates
/// and Adam betas from <c>training.optimizers.generator/discriminator</c>.
/// </summary>
public sealed class SiddmOptions : IValidatableOptions
{
    /// <summary>The values <see cref="AfdTarget"/> accepts.</summary>
    public static IReadOnlyList<string> AfdTargets { get; } = ["x_t", "x_prev"];

    /// <summary>The values <see cref="AfdWeight"/> accepts.</summary>
    public static IReadOnlyList<string> AfdWeights { get; } = ["one", "inv_beta", "inv_two_beta"];

    /// <summary>Latent size nz of z ~ N(0, I). Default 100: DDGAN's CIFAR-10 setting, on whose code SIDDM builds (methods.md §5.3).</summary>
    [Range(1, 4096)]
    public int Nz { get; set; } = 100;

    /// <summary>
    /// Squash the generator's x̂₀ with tanh into the data range [−1, 1] (default true: the official image generators).
    /// At 2-D the data touch ±1 (the grid's outer modes plus their clipped noise) and samples pushed into saturation
    /// get no gradient back and can pile up on the frame; false ends the generator in a linear layer, as SIDDM's 2-D
    /// script does (methods.md §7.4). Measured at 2-D in experiments/ddgan-ablation-2d/results.md ("Tuning").
    /// </summary>
    public bool TanhOutput { get; set; } = true;

    /// <summary>Feed z to the generator. Default true (SIDDM's G(x_t, z, t), arXiv 2306.12511 §3.1).</summary>
    public bool UseLatent { get; set; } = true;

    /// <summary>
    /// λ_AFD, the weight of the auxiliary forward-diffusion (conditional KL) term. Default 1: the paper's best value
    /// in its CIFAR-10 ablation (0, 0.1, 0.5, 1, 5; methods.md §7.2). 0 removes the term and the regression head.
    /// </summary>
    [Range(0.0, 1e6)]
    public double LambdaAfd { get; set; } = 1.0;

    /// <summary>
    /// A1, the cross-entropy's target: <c>x_t</c> (default) uses the conditioning x_t, ‖x_t − √(1−β_t) x′_{t−1}‖²
    /// (methods.md's reading; the public 2-D script's re-noising loss in expectation); <c>x_prev</c> uses the paired
    /// real x_{t−1}, (1−β_t)‖x′_{t−1} − x_{t−1}‖².
    /// </summary>
    public string AfdTarget { get; set; } = "x_t";

    /// <summary>
    /// A2, the weight w_t on both squared AFD terms: <c>inv_two_beta</c> (default, 1/(2β_t): the Gaussian
    /// q(x_t | x_{t−1}) = N(√(1−β_t) x_{t−1}, β_t I) and p_ψ's variance σ² = β_t), <c>inv_beta</c> or <c>one</c>
    /// (λ absorbs the scale, as in the public 2-D script).
    /// </summary>
    public string AfdWeight { get; set; } = "inv_two_beta";

    /// <summary>
    /// Estimate the entropy of p_θ(x_t | x′_{t−1}) with the regression head C_ψ (the min–max of §3.2). Default true
    /// (the paper). False keeps only the cross-entropy: the public 2-D script's form.
    /// </summary>
    public bool UseEntropyHead { get; set; } = true;

    /// <summary>
    /// A3: the regression head's loss also trains D's shared trunk. Default true (the paper says C_ψ shares layers
    /// with D; sharing without training them jointly would be a separate network on frozen features).
    /// </summary>
    public bool AfdTrainsTrunk { get; set; } = true;

    /// <summary>
    /// A4, λ_reg: weight of D's denoising regulariser ‖D_den(x_{t−1}, t) − x₀‖² on real samples. Default 1 (ours:
    /// the paper gives no value; 1 balances it with the softplus terms at 2-D). 0 removes it and its head.
    /// </summary>
    [Range(0.0, 1e6)]
    public double LambdaReg { get; set; } = 1.0;

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

    /// <summary>R1 weight γ on real x_{t−1} (A4). Default 0: SIDDM replaces R1 by the denoising regulariser.</summary>
    [Range(0.0, 1e6)]
    public double R1Gamma { get; set; }

    /// <summary>Apply R1 every this many steps when <see cref="R1Gamma"/> &gt; 0. Default 1 (every step).</summary>
    [Range(1, 1_000_000)]
    public int LazyReg { get; set; } = 1;

    /// <summary>Whether D carries the regression head C_ψ.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool HasRegressionHead => LambdaAfd > 0 && UseEntropyHead;

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (!AfdTargets.Contains(AfdTarget))
            yield return $"afd_target: '{AfdTarget}' is not one of {string.Join(", ", AfdTargets)}";
        if (!AfdWeights.Contains(AfdWeight))
            yield return $"afd_weight: '{AfdWeight}' is not one of {string.Join(", ", AfdWeights)}";
    }
}
