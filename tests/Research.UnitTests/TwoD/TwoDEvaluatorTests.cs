using Research.Data.TwoD;
using Research.Evaluation.TwoD;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.TwoD;

public class TwoDEvaluatorTests
{
    [Test]
    public void Evaluate_FreshDrawOfTheGrid_ScoresLikeRealData()
    {
        using var real = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 2_000, Seed = 1 });
        using var fake = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 400, Seed = 2 });
        var metrics = TwoDEvaluator.Evaluate(fake.Points, real, new TwoDEvaluationOptions(), seed: 0);
        Assert.That(metrics.DataSet, Is.EqualTo(GaussianGrid.Name));
        Assert.That(metrics.SampleCount, Is.EqualTo(10_000));
        Assert.That(metrics.ReferenceCount, Is.EqualTo(50_000));
        Assert.That(metrics.ModeCoverage!.CoverageText, Is.EqualTo("25/25"));
        Assert.That(metrics.ModeCoverage.HighQualityFraction, Is.GreaterThan(0.97));
        Assert.That(metrics.FrechetDistance, Is.LessThan(0.1));        // variances are ≈ 50 per axis
        Assert.That(Math.Abs(metrics.Mmd2), Is.LessThan(0.01));
        Assert.That(metrics.MmdNumPoints, Is.EqualTo(10_000));
    }

    [Test]
    public void Evaluate_CollapsedSampler_ScoresBadly()
    {
        using var real = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 2_000, Seed = 1 });
        using var collapsed = full(5_000, 2, 10.0, dtype: float32);     // everything on the centre mode
        var metrics = TwoDEvaluator.Evaluate(collapsed, real, new TwoDEvaluationOptions { MmdNumPoints = 2_000 }, seed: 0);
        Assert.That(metrics.ModeCoverage!.ModesCovered, Is.EqualTo(1));
        Assert.That(metrics.FrechetDistance, Is.GreaterThan(90));       // ≈ Tr Σ_real = 2 · (50 + 1/9·0.97)
        Assert.That(metrics.Mmd2, Is.GreaterThan(0.1));
    }

    [Test]
    public void Evaluate_SwissRoll_HasNoModeCoverage()
    {
        using var real = SwissRoll.Create(new SwissRollOptions { NumSamples = 5_000, Seed = 1 });
        using var fake = SwissRoll.Create(new SwissRollOptions { NumSamples = 5_000, Seed = 2 });
        var metrics = TwoDEvaluator.Evaluate(fake.Points, real, new TwoDEvaluationOptions { MmdNumPoints = 2_000 }, seed: 3);
        Assert.That(metrics.ModeCoverage, Is.Null);
        Assert.That(metrics.FrechetDistance, Is.LessThan(1.0));
    }

    [Test]
    public void Evaluate_InvalidOptions_ThrowsWithNestedKey()
    {
        using var real = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 10 });
        var options = new TwoDEvaluationOptions { ModeCoverage = new ModeCoverageOptions { RadiusInSigmas = -1 } };
        var ex = Assert.Throws<ArgumentException>(() => TwoDEvaluator.Evaluate(real.Points, real, options, seed: 0));
        Assert.That(ex!.Message, Does.Contain("mode_coverage.radius_in_sigmas"));
    }
}
