using Research.Core.Configuration;

namespace Research.Parameterizations.Ddpm;

/// <summary>Options of the DDPM ε-prediction family (Ho et al., arXiv 2006.11239).</summary>
public sealed class DdpmOptions : IValidatableOptions
{
    /// <summary>
    /// Reverse variance: <c>fixed-large</c> (σ² = β, the DDPM CIFAR-10 setting) or <c>fixed-small</c> (σ² = β̃).
    /// </summary>
    public string Variance { get; set; } = "fixed-large";

    /// <summary>Feed the data's class labels to the denoiser (class-conditional model); needs labelled data.</summary>
    public bool ClassConditional { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (Variance is not ("fixed-large" or "fixed-small"))
            yield return $"variance: '{Variance}' is not one of fixed-large, fixed-small";
    }
}
