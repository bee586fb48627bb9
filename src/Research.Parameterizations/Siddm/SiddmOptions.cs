using System.ComponentModel.DataAnnotations;
using Research.Core.Adversarial;
using Research.Core.Configuration;

namespace Research.Parameterizations.Siddm;

/// <summary>
/// Options of the SIDDM family (Xu et al., "Semi-Implicit Denoising Diffusion Models", arXiv 2306.12511). Every
/// reading of an ambiguity of the paper (docs/methods.md §5.3, A1–A6) that is worth comparing is an option here; the
/// decisions and their reasons are in docs/siddm-decisions.md. T comes from the shared schedule; learning rates
/// and Adam betas from <c>training.optimizers.generator/discriminator</c>.
/// </summary>
public sealed class SiddmOptions : AdversarialOptions, IValidatableOptions
{
    /// <summary>
    /// SIDDM's defaults; the shared keys (nz, use_latent, tanh_output, minibatch_std_group, discriminator_steps, R1)
    /// are declared in <see cref="AdversarialOptions"/>. R1 is off (γ = 0, A4: the denoising regulariser replaces it);
    /// when turned on it applies every step.
    /// </summary>
    public SiddmOptions() : base(r1Gamma: 0, lazyReg: 1) { }

    /// <summary>The values <see cref="AfdTarget"/> accepts.</summary>
    public static IReadOnlyList<string> AfdTargets { get; } = ["x_t", "x_prev"];

    /// <summary>The values <see cref="AfdWeight"/> accepts.</summary>
    public static IReadOnlyList<string> AfdWeights { get; } = ["one", "inv_beta", "inv_two_beta"];

    /// <summary>
    /// λ_AFD, the weight of the auxiliary forward-diffusion (conditional KL) term. Default 1: the paper's best value
    /// in its CIFAR-10 ablation (0, 0.1, 0.5, 1, 5; docs/methods.md §5.2). 0 removes the term and the regression head.
    /// </summary>
    [Range(0.0, 1e6)]
    public double LambdaAfd { get; set; } = 1.0;

    /// <summary>
    /// A1, the cross-entropy's target: <c>x_t</c> (default) uses the conditioning x_t, ‖x_t − √(1−β_t) x′_{t−1}‖²
    /// (docs/methods.md §5.2's reading; the public 2-D script's re-noising loss in expectation); <c>x_prev</c> uses the paired
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
    /// with D; sharing without training them jointly would be a separate network on frozen features). False detaches
    /// the trunk under C_ψ in D's step only; in G's step the entropy estimate Ĥ reaches G through D's trunk either way.
    /// </summary>
    public bool AfdTrainsTrunk { get; set; } = true;

    /// <summary>
    /// A4, λ_reg: weight of D's denoising regulariser ‖D_den(x_{t−1}, t) − x₀‖² on real samples. Default 1 (ours:
    /// the paper gives no value; 1 balances it with the softplus terms at 2-D). 0 removes it and its head.
    /// </summary>
    [Range(0.0, 1e6)]
    public double LambdaReg { get; set; } = 1.0;

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
