using Research.Core.Configuration;

namespace Research.Plugins.VPrediction;

/// <summary>Options of the v-prediction family (Salimans &amp; Ho, arXiv 2202.00512).</summary>
public sealed class VPredictionOptions : IValidatableOptions
{
    /// <summary>
    /// Reverse variance of the shared ε-sampler: <c>fixed-large</c> (σ² = β, the DDPM CIFAR-10 setting) or
    /// <c>fixed-small</c> (σ² = β̃): the default of its sampling requests, each of which may choose its own. Sampling-time: it
    /// never locks a checkpoint.
    /// </summary>
    [SamplingTime]
    public string Variance { get; set; } = "fixed-large";

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (Variance is not ("fixed-large" or "fixed-small"))
            yield return $"variance: '{Variance}' is not one of fixed-large, fixed-small";
    }
}
