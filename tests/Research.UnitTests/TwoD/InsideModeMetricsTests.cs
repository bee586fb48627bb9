using Research.Data.TwoD;
using Research.Evaluation.TwoD;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.TwoD;

/// <summary>
/// The 2-D metrics that see inside modes (issue 21, item 1): each constructed failure is caught by the metric meant for
/// it, while a fresh draw of the real data scores near zero on all. n = 10,000 samples (400 per mode) against 50,000
/// real points; thresholds come from the sampling noise at this n (stated per assertion).
/// </summary>
public class InsideModeMetricsTests
{
    private const int PerMode = 400;
    private static PointSet2D real = null!;
    private static TwoDMetrics baseline = null!;

    [OneTimeSetUp]
    public void SetUp()
    {
        real = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 2_000, Seed = 1 });
        using var fresh = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = PerMode, Seed = 2 });
        baseline = Evaluate(fresh.Points);
    }

    [OneTimeTearDown]
    public void TearDown() => real.Dispose();

    [Test]
    public void RealData_ScoresNearZeroOnAll()
    {
        var s = baseline.ModeShape!;
        TestContext.Out.WriteLine($"real: {Describe(baseline)}");
        Assert.That(s.ReverseKl, Is.LessThan(0.005));              // E ≈ (K − 1)/(2n) = 0.0012
        Assert.That(s.CovarianceError, Is.LessThan(0.25));         // E eₖ ≈ √(6/399) = 0.12 per mode
        Assert.That(s.CovarianceErrorMax, Is.LessThan(0.4));       // largest of 25 such errors
        Assert.That(s.ModesWithCovariance, Is.EqualTo(25));
        Assert.That(Math.Abs(baseline.GaussianMmd2), Is.LessThan(1e-4)); // null sd ≈ 3e-5 at m = 10,000
        Assert.That(baseline.SlicedWasserstein1, Is.LessThan(0.1));
        Assert.That(baseline.GaussianMmdBandwidth, Is.EqualTo(1.0 / 3.0).Within(1e-12));
        Assert.That(baseline.NumProjections, Is.EqualTo(128));
    }

    [Test]
    public void CollapsedMode_IsCaughtByWorstModeCovarianceAndGaussianMmd()
    {
        // Every sample of mode 12 sits exactly at its centre.
        var m = EvaluateTransformed((d, label) => label == 12 ? (0, 0) : d);
        Assert.That(m.ModeShape!.CovarianceErrorMax, Is.GreaterThan(1.0));  // ‖0 − 0.95σ²I‖_F/σ² ≈ 1.34
        Assert.That(m.ModeShape.CovarianceErrorMax, Is.GreaterThan(3 * baseline.ModeShape!.CovarianceErrorMax));
        Assert.That(m.GaussianMmd2, Is.GreaterThan(5 * Math.Max(Math.Abs(baseline.GaussianMmd2), 3e-5)));
    }

    [Test]
    public void SamplesOnA1DCurve_AreCaughtByCovarianceError()
    {
        // Each mode's samples on the diagonal line through its mean, with the same total variance 2σ².
        var m = EvaluateTransformed((d, _) => { var t = (d.X + d.Y) / Math.Sqrt(2); return (t, t); });
        Assert.That(m.ModeShape!.CovarianceError, Is.GreaterThan(1.0));      // ‖diag(2, 0) − I‖_F ≈ √2, shrunk by the 3σ cut
        Assert.That(m.ModeShape.CovarianceError, Is.GreaterThan(5 * baseline.ModeShape!.CovarianceError));
    }

    [Test]
    public void ShrunkenModes_AreCaughtByCovarianceErrorAndGaussianMmd()
    {
        var m = EvaluateTransformed((d, _) => (d.X / 4, d.Y / 4));
        Assert.That(m.ModeShape!.CovarianceError, Is.GreaterThan(1.0));      // ≈ 0.95·(15/16)·√2 = 1.26
        Assert.That(m.ModeShape.CovarianceError, Is.GreaterThan(5 * baseline.ModeShape!.CovarianceError));
        Assert.That(m.GaussianMmd2, Is.GreaterThan(5 * Math.Max(Math.Abs(baseline.GaussianMmd2), 3e-5)));
    }

    [Test]
    public void OverDispersedModes_AreCaughtByCovarianceErrorAndGaussianMmd()
    {
        var m = EvaluateTransformed((d, _) => (2 * d.X, 2 * d.Y));
        Assert.That(m.ModeShape!.CovarianceError, Is.GreaterThan(0.6));
        Assert.That(m.ModeShape.CovarianceError, Is.GreaterThan(5 * baseline.ModeShape!.CovarianceError));
        Assert.That(m.GaussianMmd2, Is.GreaterThan(5 * Math.Max(Math.Abs(baseline.GaussianMmd2), 3e-5)));
    }

    [Test]
    public void UnbalancedMasses_AreCaughtByReverseKlAndSlicedWasserstein()
    {
        // Modes 0–11 get 3× the mass of modes 12–24: KL(q‖u) = 12·(3/49)·ln(75/49) + 13·(1/49)·ln(25/49) ≈ 0.134.
        using var draw = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 3 * PerMode, Seed = 3 });
        var labels = draw.Labels;
        using var rank = arange(draw.Count, dtype: int64).remainder(3 * PerMode);                   // index within its mode
        using var keep = labels.lt(12).logical_or(rank.lt(PerMode));
        using var points = draw.Points[keep];
        var m = Evaluate(points);
        TestContext.Out.WriteLine($"unbalanced: {Describe(m)}");
        Assert.That(m.ModeShape!.ReverseKl, Is.EqualTo(0.134).Within(0.01));
        Assert.That(m.ModeShape.ReverseKl, Is.GreaterThan(5 * Math.Max(baseline.ModeShape!.ReverseKl, 0.0012)));
        Assert.That(m.SlicedWasserstein1, Is.GreaterThan(5 * baseline.SlicedWasserstein1));
        Assert.That(m.ModeShape.CovarianceError, Is.LessThan(0.25));                                 // shapes are untouched
    }

    [Test]
    public void OneModeHoldsEverything_ReverseKlIsLnK_AndEmptyModesCountAsCollapsed()
    {
        using var points = full(100, 2, 10.0, dtype: float64);
        var s = ModeShape.Compute(points, real.Points, real.Modes!);
        Assert.That(s.ReverseKl, Is.EqualTo(Math.Log(25)).Within(1e-12));
        Assert.That(s.ModesWithCovariance, Is.EqualTo(1));
        Assert.That(s.OnModeCount, Is.EqualTo(100));
        // Every mode (the point mass and the 24 empty ones) has Σ̂ = 0: eₖ = ‖Σₖ‖_F/σ² ≈ 0.95·√2 each.
        Assert.That(s.CovarianceError, Is.EqualTo(1.34).Within(0.05));
        Assert.That(s.CovarianceErrorMax, Is.LessThan(1.5));
    }

    [Test]
    public void NoSampleOnAnyMode_ReverseKlIsLnK_AndEverythingCountsAsCollapsed()
    {
        using var points = full(10, 2, 2.5, dtype: float64);                                     // between four modes, > 3σ from each
        var s = ModeShape.Compute(points, real.Points, real.Modes!);
        Assert.That(s.OnModeCount, Is.Zero);
        Assert.That(s.ReverseKl, Is.EqualTo(Math.Log(25)).Within(1e-12));
        Assert.That(s.CovarianceError, Is.EqualTo(1.34).Within(0.05));
    }

    [Test]
    public void GaussianMmd_MatchesTheDirectFormula()
    {
        double[][] x = [[0, 0], [1, 0], [0, 2]];
        double[][] y = [[0.5, 0.5], [2, 1]];
        const double h = 0.7;
        double K(double[] a, double[] b) => Math.Exp(-((a[0] - b[0]) * (a[0] - b[0]) + (a[1] - b[1]) * (a[1] - b[1])) / (2 * h * h));
        double xx = 0, yy = 0, xy = 0;
        for (var i = 0; i < 3; i++) for (var j = 0; j < 3; j++) if (i != j) xx += K(x[i], x[j]);
        for (var i = 0; i < 2; i++) for (var j = 0; j < 2; j++) if (i != j) yy += K(y[i], y[j]);
        foreach (var a in x) foreach (var b in y) xy += K(a, b);
        var expected = xx / 6 + yy / 2 - 2 * xy / 6;
        using var tx = tensor(x.SelectMany(r => r).ToArray(), [3, 2], dtype: float64);
        using var ty = tensor(y.SelectMany(r => r).ToArray(), [2, 2], dtype: float64);
        Assert.That(GaussianMmd.Unbiased(tx, ty, h), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void GaussianMmd_CellCutoff_MatchesTheFullGramMatrix()
    {
        // Points spread over many cells, on both sides of 0, so the binning must find every close pair.
        using var g = new Generator(3);
        using var x = rand([300, 2], dtype: float64, generator: g) * 12 - 6;
        using var y = rand([200, 2], dtype: float64, generator: g) * 12 - 5;
        const double h = 0.4;
        double Sum(Tensor a, Tensor b) { using var k = (cdist(a, b).square() / (-2 * h * h)).exp(); return k.sum().item<double>(); }
        var expected = (Sum(x, x) - 300) / (300.0 * 299) + (Sum(y, y) - 200) / (200.0 * 199) - 2 * Sum(x, y) / (300.0 * 200);
        Assert.That(GaussianMmd.Unbiased(x, y, h), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void SlicedWasserstein_OfAShift_IsTheMeanProjectedShift()
    {
        // Shifting by c along x moves every projection by c·cos θ: SW1 = c · mean |cos θⱼ| ≈ 2c/π.
        using var g = new Generator(5);
        using var x = randn([1_000, 2], dtype: float64, generator: g);
        using var y = x + tensor(new[] { 3.0, 0.0 }, dtype: float64);
        var sw = SlicedWasserstein.W1(x, y, 128, seed: 7);
        Assert.That(sw, Is.EqualTo(3 * 2 / Math.PI).Within(0.01));
        Assert.That(SlicedWasserstein.W1(x, y, 128, seed: 7), Is.EqualTo(sw));                      // deterministic given the seed
    }

    private static TwoDMetrics Evaluate(Tensor samples) =>
        TwoDEvaluator.Evaluate(samples, real, new TwoDEvaluationOptions(), seed: 11);

    /// <summary>A fresh draw with each point's offset d from its mode mean replaced by <paramref name="f"/>(d, label).</summary>
    private static TwoDMetrics EvaluateTransformed(Func<(double X, double Y), long, (double X, double Y)> f)
    {
        using var draw = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = PerMode, Seed = 2 });
        var p = draw.Points.to(float64).data<double>().ToArray();
        var labels = draw.Labels.data<long>().ToArray();
        var means = draw.Modes!.Means;
        var q = new double[p.Length];
        for (var i = 0; i < labels.Length; i++)
        {
            var mu = means[(int)labels[i]];
            var (dx, dy) = f((p[2 * i] - mu.X, p[2 * i + 1] - mu.Y), labels[i]);
            q[2 * i] = mu.X + dx;
            q[2 * i + 1] = mu.Y + dy;
        }
        using var points = tensor(q, [labels.Length, 2], dtype: float64);
        var m = Evaluate(points);
        TestContext.Out.WriteLine(Describe(m));
        return m;
    }

    private static string Describe(TwoDMetrics m) =>
        $"kl={m.ModeShape?.ReverseKl:G4} cov={m.ModeShape?.CovarianceError:G4} covmax={m.ModeShape?.CovarianceErrorMax:G4} " +
        $"gmmd={m.GaussianMmd2:G4} sw1={m.SlicedWasserstein1:G4} frechet={m.FrechetDistance:G4} mmd2={m.Mmd2:G4} hq={m.ModeCoverage?.HighQualityFraction:G4}";
}
