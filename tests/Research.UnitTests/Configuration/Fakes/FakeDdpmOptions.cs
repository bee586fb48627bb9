using Research.Core.Configuration;

namespace Research.UnitTests.Configuration.Fakes;

/// <summary>Test-only options registered as <c>ddpm-eps</c> (networks: denoiser).</summary>
public sealed class FakeDdpmOptions : IValidatableOptions
{
    /// <summary>mse or l1.</summary>
    public string LossType { get; set; } = "mse";

    /// <summary>A boolean option.</summary>
    public bool LearnSigma { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (LossType is not ("mse" or "l1")) yield return $"loss_type: '{LossType}' is not one of mse, l1";
    }
}
