using Research.Core.Schedules;

namespace Research.UnitTests.Schedules;

public sealed class ScheduleOptionsTests
{
    [TestCase("linear", 1000)]
    [TestCase("cosine", 1000)]
    [TestCase("ddgan-vp", 4)]
    [TestCase("linear", 50)]
    [TestCase("ddgan-vp", 1000)]
    public void Validate_SensibleOptions_ReportsNothing(string type, int steps) =>
        Assert.That(new ScheduleOptions { Type = type, NumTimesteps = steps }.Validate(), Is.Empty);

    [Test]
    public void Defaults_AreTheDocumentedPaperValues()
    {
        var o = new ScheduleOptions();
        Assert.Multiple(() =>
        {
            Assert.That(o.Type, Is.EqualTo("linear"));
            Assert.That(o.NumTimesteps, Is.EqualTo(1000));
            Assert.That(o.BetaStart, Is.Null);
            Assert.That(o.BetaEnd, Is.Null);
            Assert.That(o.CosineS, Is.EqualTo(0.008));
            Assert.That(o.MaxBeta, Is.EqualTo(0.999));
            Assert.That(o.BetaMin, Is.EqualTo(0.1));
            Assert.That(o.BetaMax, Is.EqualTo(20.0));
            Assert.That(o.EpsSmall, Is.EqualTo(1e-3));
        });
    }

    [TestCase(1000, 1e-4, 0.02)]
    [TestCase(250, 4e-4, 0.08)]
    [TestCase(4000, 2.5e-5, 0.005)]
    public void ResolvedBetas_NullEndpoints_ScaleBy1000OverT(int steps, double start, double end)
    {
        var o = new ScheduleOptions { NumTimesteps = steps };
        Assert.That(o.ResolvedBetaStart, Is.EqualTo(start).Within(1e-15));
        Assert.That(o.ResolvedBetaEnd, Is.EqualTo(end).Within(1e-15));
    }

    [Test]
    public void ResolvedBetas_ExplicitEndpoints_AreNotScaled()
    {
        var o = new ScheduleOptions { NumTimesteps = 10, BetaStart = 0.001, BetaEnd = 0.3 };
        Assert.That((o.ResolvedBetaStart, o.ResolvedBetaEnd), Is.EqualTo((0.001, 0.3)));
        Assert.That(o.Validate(), Is.Empty);
    }

    [Test]
    public void Validate_UnknownType_NamesTheKeyAndTheChoices()
    {
        var errors = new ScheduleOptions { Type = "Linear" }.Validate().ToList();
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.StartWith("type: ").And.Contain("'Linear'").And.Contain("ddgan-vp"));
    }

    [TestCase(0)]
    [TestCase(-3)]
    public void Validate_NonPositiveSteps_Reported(int steps) =>
        Assert.That(new ScheduleOptions { NumTimesteps = steps }.Validate(), Has.One.StartsWith("num_timesteps: "));

    [Test]
    public void Validate_LinearDefaultsAtSmallT_ReportResolvedBetaEndAtLeastOne()
    {
        // 0.02 · 1000/20 = 1: improved-diffusion's scaling breaks below T = 50.
        var errors = new ScheduleOptions { NumTimesteps = 20 }.Validate().ToList();
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.StartWith("beta_end: ").And.Contain("resolved"));
    }

    [TestCase(0.0, 0.02, "beta_start: ")]
    [TestCase(0.01, 1.0, "beta_end: ")]
    [TestCase(0.02, 0.01, "beta_end: ")]
    [TestCase(-1e-4, 0.02, "beta_start: ")]
    public void Validate_LinearBetasOutOfRange_Reported(double start, double end, string key) =>
        Assert.That(new ScheduleOptions { BetaStart = start, BetaEnd = end }.Validate(), Has.One.StartsWith(key));

    [Test]
    public void Validate_BetaEndpointsOnNonLinearType_ReportedAsIgnoredSetting()
    {
        var errors = new ScheduleOptions { Type = "cosine", BetaStart = 1e-4, BetaEnd = 0.02 }.Validate().ToList();
        Assert.That(errors, Has.Count.EqualTo(2));
        Assert.That(errors, Has.One.StartsWith("beta_start: ").And.One.StartsWith("beta_end: "));
    }

    [TestCase(-0.1, 0.999, "cosine_s: ")]
    [TestCase(double.NaN, 0.999, "cosine_s: ")]
    [TestCase(0.008, 1.0, "max_beta: ")]
    [TestCase(0.008, 0.0, "max_beta: ")]
    public void Validate_BadCosineParameters_Reported(double s, double maxBeta, string key) =>
        Assert.That(new ScheduleOptions { Type = "cosine", CosineS = s, MaxBeta = maxBeta }.Validate(), Has.One.StartsWith(key));

    [TestCase(0.0, 20.0, 1e-3, "beta_min: ")]
    [TestCase(0.1, 0.05, 1e-3, "beta_max: ")]
    [TestCase(0.1, double.PositiveInfinity, 1e-3, "beta_max: ")]
    [TestCase(0.1, 20.0, 0.0, "eps_small: ")]
    [TestCase(0.1, 20.0, 1.0, "eps_small: ")]
    public void Validate_BadDdganParameters_Reported(double betaMin, double betaMax, double epsSmall, string key)
    {
        var o = new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = 4, BetaMin = betaMin, BetaMax = betaMax, EpsSmall = epsSmall };
        Assert.That(o.Validate(), Has.One.StartsWith(key));
    }

    [Test]
    public void Validate_DdganWithMoreThanMaxSteps_Reported() =>
        Assert.That(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = ScheduleOptions.MaxDdganTimesteps + 1 }.Validate(),
            Has.One.StartsWith("num_timesteps: ").And.One.Contains("ddgan-vp"));

    [Test]
    public void Create_InvalidOptions_ThrowsListingEveryProblem()
    {
        var o = new ScheduleOptions { Type = "cosine", NumTimesteps = 0, MaxBeta = 2, BetaEnd = 0.5 };
        var ex = Assert.Throws<ArgumentException>(() => NoiseSchedule.Create(o));
        Assert.That(ex!.Message, Does.Contain("num_timesteps:").And.Contain("max_beta:").And.Contain("beta_end:"));
    }
}
