using Research.Evaluation.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

public class KernelInceptionDistanceTests
{
    [Test]
    public void UnbiasedMmd2_SmallSets_MatchesTheDoubleSumDefinition()
    {
        using var g = new Generator(2);
        using var x = randn([6, 3], dtype: float64, generator: g);
        using var y0 = randn([5, 3], dtype: float64, generator: g);
        using var y = y0 * 0.7 + 0.3;
        Assert.That(KernelInceptionDistance.UnbiasedMmd2(x, y), Is.EqualTo(BruteForce(x, y)).Within(1e-12));
    }

    [Test]
    public void Compute_SameDistribution_IsNearZero_AndShiftedIsPositive()
    {
        using var g = new Generator(4);
        using var real = randn([2000, 16], generator: g);
        using var same = randn([2000, 16], generator: g);
        using var shifted = randn([2000, 16], generator: g) + 0.5f;
        var kidSame = KernelInceptionDistance.Compute(real, same, seed: 1, subsets: 10, subsetSize: 500);
        var kidShifted = KernelInceptionDistance.Compute(real, shifted, seed: 1, subsets: 10, subsetSize: 500);
        TestContext.Out.WriteLine($"KID same {kidSame.ToString("G3")}, shifted by 0.5 per dimension {kidShifted.ToString("G3")}");
        // Unbiased: the same-distribution mean is within a few standard errors of 0.
        Assert.That(Math.Abs(kidSame.Mean), Is.LessThan(4 * kidSame.Std / Math.Sqrt(kidSame.Parts) + 1e-3));
        Assert.That(kidShifted.Mean, Is.GreaterThan(0.05));
        Assert.That(kidShifted.Mean, Is.GreaterThan(20 * Math.Abs(kidSame.Mean)));
        Assert.That(kidShifted.Parts, Is.EqualTo(10));
    }

    [Test]
    public void Compute_SubsetLargerThanASet_Throws()
    {
        using var a = zeros(10, 4);
        using var b = zeros(20, 4);
        Assert.Throws<ArgumentException>(() => KernelInceptionDistance.Compute(a, b, seed: 0, subsets: 2, subsetSize: 11));
    }

    private static double BruteForce(Tensor x, Tensor y)
    {
        var a = Rows(x);
        var b = Rows(y);
        int d = a[0].Length;
        double K(double[] u, double[] v) => Math.Pow(u.Zip(v, (p, q) => p * q).Sum() / d + 1, 3);
        double xx = 0, yy = 0, xy = 0;
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < a.Length; j++)
                if (i != j) xx += K(a[i], a[j]);
        for (int i = 0; i < b.Length; i++)
            for (int j = 0; j < b.Length; j++)
                if (i != j) yy += K(b[i], b[j]);
        foreach (var u in a)
            foreach (var v in b) xy += K(u, v);
        int m = a.Length, n = b.Length;
        return xx / (m * (m - 1)) + yy / (n * (n - 1)) - 2 * xy / (m * n);
    }

    private static double[][] Rows(Tensor t)
    {
        var flat = t.contiguous().data<double>().ToArray();
        int cols = (int)t.shape[1];
        return Enumerable.Range(0, (int)t.shape[0]).Select(i => flat.Skip(i * cols).Take(cols).ToArray()).ToArray();
    }
}
