using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;

namespace Research.Core.Experiments;

/// <summary>Adam / AdamW settings for one network.</summary>
public sealed class OptimizerOptions : IValidatableOptions
{
    /// <summary><c>adam</c> or <c>adamw</c>.</summary>
    public string Type { get; set; } = "adam";

    /// <summary>Peak learning rate (DDPM CIFAR-10: 2e-4).</summary>
    [Range(1e-12, 10.0)]
    public double Lr { get; set; } = 2e-4;

    /// <summary>Adam β₁ (DDGAN uses 0.5).</summary>
    [Range(0.0, 0.999999)]
    public double Beta1 { get; set; } = 0.9;

    /// <summary>Adam β₂ (DDGAN uses 0.9).</summary>
    [Range(0.0, 0.999999999)]
    public double Beta2 { get; set; } = 0.999;

    /// <summary>Adam ε.</summary>
    [Range(0.0, 1.0)]
    public double Eps { get; set; } = 1e-8;

    /// <summary>Weight decay (decoupled for adamw; L2 for adam).</summary>
    [Range(0.0, 10.0)]
    public double WeightDecay { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (Type is not ("adam" or "adamw")) yield return $"type: '{Type}' is not one of adam, adamw";
    }
}
