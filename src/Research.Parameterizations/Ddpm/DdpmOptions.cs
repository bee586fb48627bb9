using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;
using Research.Core.Losses;
using Research.Core.Sampling;

namespace Research.Parameterizations.Ddpm;

/// <summary>Options of the DDPM ε-prediction family (Ho et al., arXiv 2006.11239; learned Σ: Nichol &amp; Dhariwal, arXiv 2102.09672).</summary>
public sealed class DdpmOptions : IValidatableOptions
{
    /// <summary>
    /// Default reverse variance of its sampling requests (each request may choose its own, <c>sampling[i].variance</c>):
    /// <c>auto</c> (learned when <see cref="LearnSigma"/>, else fixed-large), <c>fixed-large</c> (σ² = β, the DDPM CIFAR-10
    /// setting), <c>fixed-small</c> (σ² = β̃) or <c>learned</c> (needs <see cref="LearnSigma"/>). Sampling-time: changing it
    /// needs no retraining and never locks a checkpoint.
    /// </summary>
    [SamplingTime]
    public string Variance { get; set; } = ReverseVarianceNames.Auto;

    /// <summary>
    /// Learn the reverse variance (improved DDPM, arXiv 2102.09672 §3.1): the denoiser outputs 2C channels [ε, v] and trains
    /// with L_hybrid = L_simple + λ·L_vlb (eq. 16). Training-time: it changes the network's shape.
    /// </summary>
    public bool LearnSigma { get; set; }

    /// <summary>λ of L_hybrid (IDDPM eq. 16, 0.001); used with <see cref="LearnSigma"/> only.</summary>
    [Range(0.0, 1e3)]
    public double VlbWeight { get; set; } = HybridLoss.DefaultVlbWeight;

    /// <summary>Feed the data's class labels to the denoiser (class-conditional model); needs labelled data.</summary>
    public bool ClassConditional { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Validate() => EpsSamplingRules.CheckFamilyVariance("ddpm-eps", Variance, LearnSigma);
}
