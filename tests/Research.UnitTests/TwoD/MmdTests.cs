using Research.Data.TwoD;
using Research.Evaluation.TwoD;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.TwoD;

public class MmdTests
{
    [Test]
    public void UnbiasedPolynomial_SmallSets_MatchesTheGramMatrixFormula()
    {
        using var g = new Generator(9);
        using var x = randn([50, 2], dtype: float64, generator: g);
        using var y0 = randn([40, 2], dtype: float64, generator: g);
        using var y = y0 * 1.3 + 0.4;
        Assert.That(Mmd.UnbiasedPolynomial(x, y), Is.EqualTo(BruteForce(x, y)).Within(1e-10));
    }

    [Test]
    public void Compute_TwoDrawsOfTheSameDistribution_IsNearZero()
    {
        using var a = GaussianGrid.Create(new GaussianGridOptions { Seed = 1, NumPerMode = 4_000 });
        using var b = GaussianGrid.Create(new GaussianGridOptions { Seed = 2, NumPerMode = 4_000 });
        var same = Mmd.Compute(a.Points, b.Points, Mmd.DefaultNumPoints, seed: 0);
        Assert.That(Math.Abs(same), Is.LessThan(0.01));
    }

    [Test]
    public void Compute_ShiftedDistribution_IsClearlyPositive()
    {
        using var a = GaussianGrid.Create(new GaussianGridOptions { Seed = 1, NumPerMode = 4_000 });
        using var b = GaussianGrid.Create(new GaussianGridOptions { Seed = 2, NumPerMode = 4_000 });
        using var shifted = b.Points + 2.5f;                                       // half the spacing: every point between modes
        var same = Mmd.Compute(a.Points, b.Points, Mmd.DefaultNumPoints, seed: 0);
        var moved = Mmd.Compute(a.Points, shifted, Mmd.DefaultNumPoints, seed: 0);
        TestContext.Out.WriteLine($"MMD² same distribution {same:G4}, shifted by half a spacing {moved:G4}");
        Assert.That(moved, Is.GreaterThan(0.1));
        Assert.That(moved, Is.GreaterThan(20 * Math.Abs(same)));
    }

    [Test]
    public void Compute_SameSeed_Repeats_DifferentSeed_Differs()
    {
        using var a = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 1_000 });
        using var b = a.Points * 1.1f;
        var first = Mmd.Compute(a.Points, b, 2_000, seed: 5);
        Assert.That(Mmd.Compute(a.Points, b, 2_000, seed: 5), Is.EqualTo(first));
        Assert.That(Mmd.Compute(a.Points, b, 2_000, seed: 6), Is.Not.EqualTo(first));
    }

    [Test]
    public void Compute_ScaledCopyOfTheData_IsInvariantToTheDataUnits()
    {
        // Standardising with the real data's mean and std makes the metric unit-free.
        using var a = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 1_000 });
        using var b = a.Points + 1.0f;
        using var a10 = a.Points * 10f;
        using var b10 = b * 10f;
        Assert.That(Mmd.Compute(a10, b10, 3_000, seed: 1), Is.EqualTo(Mmd.Compute(a.Points, b, 3_000, seed: 1)).Within(1e-6));
    }

    private static double BruteForce(Tensor x, Tensor y)
    {
        static Tensor Gram(Tensor a, Tensor b) => (a.matmul(b.T) / 2 + 1).square();
        using var scope = NewDisposeScope();
        double m = x.shape[0], n = y.shape[0];
        var kxx = Gram(x, x);
        var kyy = Gram(y, y);
        var xx = (kxx.sum() - kxx.diagonal().sum()).item<double>() / (m * (m - 1));
        var yy = (kyy.sum() - kyy.diagonal().sum()).item<double>() / (n * (n - 1));
        var xy = Gram(x, y).mean().item<double>();
        return xx + yy - 2 * xy;
    }
}
