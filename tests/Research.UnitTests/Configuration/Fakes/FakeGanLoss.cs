namespace Research.UnitTests.Configuration.Fakes;

/// <summary>Test-only enum option of <see cref="FakeDdganOptions"/>.</summary>
public enum FakeGanLoss
{
    /// <summary>Non-saturating logistic loss.</summary>
    NonSaturating,

    /// <summary>Hinge loss.</summary>
    Hinge,
}
