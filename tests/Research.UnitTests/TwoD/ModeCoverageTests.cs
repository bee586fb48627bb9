using Research.Data.TwoD;
using Research.Evaluation.TwoD;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.TwoD;

public class ModeCoverageTests
{
    private PointSet2D grid = null!;

    [OneTimeSetUp]
    public void CreateGrid() => grid = GaussianGrid.Create(new GaussianGridOptions());

    [OneTimeTearDown]
    public void DisposeGrid() => grid.Dispose();

    [Test]
    public void Compute_RealDataAgainstItself_CoversAllModesWithTheoreticalHighQualityFraction()
    {
        var result = ModeCoverage.Compute(grid.Points, grid.Modes!);
        Assert.That(result.ModesCovered, Is.EqualTo(25));
        Assert.That(result.CoverageText, Is.EqualTo("25/25"));
        Assert.That(result.SampleCount, Is.EqualTo(250_000));
        Assert.That(result.HighQualityPerMode.Sum(), Is.EqualTo((long)Math.Round(result.HighQualityFraction * 250_000)));
        Assert.That(result.AssignedPerMode, Is.All.EqualTo(10_000), "clipped noise never crosses half the spacing");
        // Clipping to ±1 = ±3σ keeps every point of the 3σ disc where it was and moves the others onto the box edge,
        // still outside the disc, so the fraction is exactly P(‖ε‖ ≤ 3σ) = 1 − exp(−9/2) ≈ 0.98889 (sampling sd 2e-4).
        Assert.That(result.HighQualityFraction, Is.EqualTo(1 - Math.Exp(-4.5)).Within(0.002));
        Assert.That(result.HighQualityFraction, Is.GreaterThan(0.97));
    }

    [Test]
    public void Compute_AllSamplesOnOneMode_CoversOneOfTwentyFive()
    {
        using var samples = full(1_000, 2, 5.0, dtype: float32);
        samples[TensorIndex.Colon, 1] = 10.0f;                                 // mean (5, 10) = component 1·5 + 2 = 7
        var result = ModeCoverage.Compute(samples, grid.Modes!);
        Assert.That(result.ModesCovered, Is.EqualTo(1));
        Assert.That(result.CoverageText, Is.EqualTo("1/25"));
        Assert.That(result.HighQualityFraction, Is.EqualTo(1.0));
        Assert.That(result.HighQualityPerMode[7], Is.EqualTo(1_000));
    }

    [Test]
    public void Compute_SamplesBetweenModes_AreNotHighQuality()
    {
        using var samples = full(500, 2, 2.5, dtype: float64);                  // 2.5·√2 ≈ 3.5 from four means, > 3σ = 1
        var result = ModeCoverage.Compute(samples, grid.Modes!);
        Assert.That(result.ModesCovered, Is.Zero);
        Assert.That(result.HighQualityFraction, Is.Zero);
        Assert.That(result.AssignedPerMode.Sum(), Is.EqualTo(500));
    }

    [Test]
    public void Compute_JustInsideAndOutsideTheRadius_CountsOnlyInside()
    {
        var modes = new ModeSet2D([(0.0, 0.0), (10.0, 0.0)], sigma: 0.5);   // radius 1.5
        using var samples = tensor(new double[] { 1.49, 0, 0, -1.51, 8.4, 0, 10, 1.0 }, [4, 2]);
        var result = ModeCoverage.Compute(samples, modes, new ModeCoverageOptions { MinHighQualityCount = 1 });
        Assert.That(result.HighQualityPerMode, Is.EqualTo(new long[] { 1, 1 }));
        Assert.That(result.AssignedPerMode, Is.EqualTo(new long[] { 2, 2 }));
        Assert.That(result.HighQualityFraction, Is.EqualTo(0.5));
    }

    [Test]
    public void Compute_CountBelowDefaultThreshold_IsNotCovered()
    {
        // n = 2,500 on 25 modes: default threshold = ⌈0.1 · 100⌉ = 10 high-quality samples.
        var counts = Enumerable.Repeat(104L, 25).ToArray();
        counts[3] = 9;
        counts[4] = 10;
        counts[0] += 2_500 - counts.Sum();
        using var samples = SamplesAtModes(grid.Modes!, counts);
        var result = ModeCoverage.Compute(samples, grid.Modes!);
        Assert.That(result.Threshold, Is.EqualTo(10));
        Assert.That(result.ModesCovered, Is.EqualTo(24));
        Assert.That(result.Describe(), Does.Contain("n=2,500").And.Contain("≥ 10").And.Contain("σ=0.3333").And.Contain("VEEGAN/PacGAN"));
    }

    [Test]
    public void Compute_NonFiniteSamples_AreNeverHighQuality()
    {
        using var samples = tensor(new[] { double.NaN, 0, 0, 0 }, [2, 2]);
        var result = ModeCoverage.Compute(samples, grid.Modes!, new ModeCoverageOptions { MinHighQualityCount = 1 });
        Assert.That(result.HighQualityFraction, Is.EqualTo(0.5));
        Assert.That(result.ModesCovered, Is.EqualTo(1));
    }

    [Test]
    public void Validate_BadValues_ReturnsMessages()
    {
        var errors = new ModeCoverageOptions { RadiusInSigmas = 0, MinHighQualityCount = 0, MinFractionOfExpected = double.NaN }.Validate();
        Assert.That(errors.Count(), Is.EqualTo(3));
        Assert.That(new ModeCoverageOptions().ThresholdFor(250_000, 25), Is.EqualTo(1_000));
        Assert.That(new ModeCoverageOptions().ThresholdFor(10, 25), Is.EqualTo(1));
    }

    private static Tensor SamplesAtModes(ModeSet2D modes, long[] counts)
    {
        var xy = new List<double>();
        for (var k = 0; k < counts.Length; k++)
            for (var i = 0; i < counts[k]; i++) xy.AddRange([modes.Means[k].X + 0.1, modes.Means[k].Y]);
        return tensor(xy.ToArray(), [xy.Count / 2, 2]);
    }
}
