using Research.Core.Configuration;

namespace Research.Parameterizations.ClassifierGuided;

/// <summary>Options of the classifier-guided family: an ε-model and a noisy classifier trained side by side (ADM, arXiv 2105.05233).</summary>
public sealed class ClassifierGuidedOptions : IValidatableOptions
{
    /// <summary>Reverse variance of the ε-model: <c>fixed-large</c> or <c>fixed-small</c> (see ddpm-eps).</summary>
    public string Variance { get; set; } = "fixed-large";

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
        if (Variance is not ("fixed-large" or "fixed-small"))
            yield return $"variance: '{Variance}' is not one of fixed-large, fixed-small";
        if (AccuracyAt.Any(f => f is < 0 or > 1)) yield return "accuracy_at: fractions must lie in [0, 1]";
    }
}
