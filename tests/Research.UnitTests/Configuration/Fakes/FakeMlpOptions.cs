namespace Research.UnitTests.Configuration.Fakes;

/// <summary>Test-only options registered as backbone <c>mlp</c>.</summary>
public sealed class FakeMlpOptions
{
    /// <summary>Hidden widths (a list option for the array-replace tests).</summary>
    public List<int> Widths { get; set; } = [64, 64];

    /// <summary>Activation name.</summary>
    public string Activation { get; set; } = "silu";
}
