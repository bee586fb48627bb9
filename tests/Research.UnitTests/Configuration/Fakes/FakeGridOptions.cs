using RangeAttribute = System.ComponentModel.DataAnnotations.RangeAttribute;

namespace Research.UnitTests.Configuration.Fakes;

/// <summary>Test-only options registered as dataset <c>gaussian-grid</c>.</summary>
public sealed class FakeGridOptions
{
    /// <summary>Modes per side.</summary>
    [Range(1, 100)]
    public int Side { get; set; } = 5;

    /// <summary>Standard deviation of each mode.</summary>
    public double Std { get; set; } = 0.05;
}
