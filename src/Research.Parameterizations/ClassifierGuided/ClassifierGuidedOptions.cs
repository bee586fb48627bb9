using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;
using Research.Core.Losses;
using Research.Core.Sampling;

namespace Research.Parameterizations.ClassifierGuided;

/// <summary>Options of the classifier-guided family: an ε-model and a noisy classifier trained side by side (ADM, arXiv 2105.05233).</summary>
public sealed class ClassifierGuidedOptions : IValidatableOptions
{
    /// <summary>
    /// Default reverse variance of the ε-model's sampling requests (each request may choose its own): <c>auto</c> (learned
    /// when <see cref="LearnSigma"/>, else fixed-large), <c>fixed-large</c>, <c>fixed-small</c> or <c>learned</c> (see ddpm-eps).
    /// The guided mean moves by s·Σ·∇log p with this Σ. Sampling-time: never locks a checkpoint.
    /// </summary>
    [SamplingTime]
    public string Variance { get; set; } = ReverseVarianceNames.Auto;

    /// <summary>
    /// The ε-model learns its reverse variance (improved DDPM, arXiv 2102.09672 §3.1; ADM's models do): it outputs [ε, v] and
    /// trains with L_hybrid. Training-time.
    /// </summary>
    public bool LearnSigma { get; set; }

    /// <summary>λ of L_hybrid (IDDPM eq. 16, 0.001); used with <see cref="LearnSigma"/> only.</summary>
    [Range(0.0, 1e3)]
    public double VlbWeight { get; set; } = HybridLoss.DefaultVlbWeight;

    /// <summary>Also condition the ε-model on the class (ADM guides class-conditional models too).</summary>
    public bool ClassConditional { get; set; }

    /// <summary>
    /// Train the ε-model; false trains only the classifier and guides the ε-model that <c>training.init.denoiser</c> loads
    /// (ADM's workflow: a classifier trained on its own guides a pretrained diffusion model). False without that entry is an error.
    /// </summary>
    public bool TrainDenoiser { get; set; } = true;

    /// <summary>Batch points at which the classifier's held-out accuracy is reported, as fractions of T.</summary>
    public List<double> AccuracyAt { get; set; } = [0.0, 0.25, 0.5, 0.75, 0.999];

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        foreach (var problem in EpsSamplingRules.CheckFamilyVariance("classifier-guided", Variance, LearnSigma)) yield return problem;
        if (AccuracyAt.Any(f => f is < 0 or > 1)) yield return "accuracy_at: fractions must lie in [0, 1]";
    }
}
