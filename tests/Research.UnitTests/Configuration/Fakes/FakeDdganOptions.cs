using RangeAttribute = System.ComponentModel.DataAnnotations.RangeAttribute;
using Microsoft.Extensions.Configuration;

namespace Research.UnitTests.Configuration.Fakes;

/// <summary>Test-only options registered as <c>ddgan</c> (networks: generator, discriminator).</summary>
public sealed class FakeDdganOptions
{
    /// <summary>Latent size.</summary>
    [Range(1, 4096)]
    public int Nz { get; set; } = 100;

    /// <summary>R1 penalty weight (JSON <c>r1_gamma</c>).</summary>
    [Range(0.0, 100.0)]
    public double R1Gamma { get; set; } = 0.02;

    /// <summary>Explicit key override: JSON <c>lazy_reg</c>.</summary>
    [ConfigurationKeyName("lazy_reg")]
    public int LazyRegularization { get; set; } = 15;

    /// <summary>An enum option.</summary>
    public FakeGanLoss Loss { get; set; } = FakeGanLoss.NonSaturating;

    /// <summary>A nullable option.</summary>
    public double? Beta2Override { get; set; }

    /// <summary>An init-only option.</summary>
    public float Temperature { get; init; } = 1.0f;
}
