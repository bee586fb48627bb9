using Research.Evaluation.Metrics;
using Research.Evaluation.TwoD;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

public class FrechetDistanceTests
{
    [Test]
    public void Compute_TwoSamplesOfOneGaussian_IsNearZero()
    {
        // For N draws per set from N(0, I_d): E‖μ̂₁ − μ̂₂‖² = 2d/N, and to second order the covariance term is
        // ¼‖Σ̂₁ − Σ̂₂‖²_F with E‖Σ̂ − I‖²_F = d(d + 1)/N, so E[FID] ≈ 2d/N + d(d + 1)/(2N) = 0.0052 for d = 8,
        // N = 10,000. The estimate is positive; 0.02 (≈ 4× its mean) fails only if something is wrong.
        const int d = 8, n = 10_000;
        using var g = new Generator(11);
        using var a = randn([n, d], dtype: float64, generator: g);
        using var b = randn([n, d], dtype: float64, generator: g);
        var fid = FrechetDistance.Compute(FeatureStatistics.FromFeatures(a), FeatureStatistics.FromFeatures(b));
        TestContext.Out.WriteLine($"FID between two samples of N(0, I_8), n = 10,000: {fid:G4} (expected ≈ 0.0052)");
        Assert.That(fid, Is.GreaterThan(0).And.LessThan(0.02));
        using var shifted = b + 0.5;
        var moved = FrechetDistance.Compute(FeatureStatistics.FromFeatures(a), FeatureStatistics.FromFeatures(shifted));
        Assert.That(moved, Is.EqualTo(d * 0.25).Within(0.05));                  // ‖Δμ‖² = 8 · 0.5²
    }

    [Test]
    public void FromMoments_DiagonalCovariances_EqualsTheClosedForm()
    {
        // d² = ‖Δμ‖² + Σᵢ (√aᵢ − √bᵢ)² = (1 + 4 + 0.25) + (1 − 2)² + (2 − 1)² + (3 − 0.5)² = 13.5
        double[] mu1 = [0, 0, 0], mu2 = [1, -2, 0.5];
        var fid = FrechetDistance.FromMoments(mu1, Diagonal(1, 4, 9), mu2, Diagonal(4, 1, 0.25));
        Assert.That(fid, Is.EqualTo(13.5).Within(1e-6));
    }

    [Test]
    public void FromMoments_CommutingRotatedCovariances_EqualsTheClosedForm()
    {
        // Σ₁ = Q diag(1, 4, 9) Qᵀ and Σ₂ = Q diag(4, 1, 0.25) Qᵀ commute; the covariance term stays Σ(√aᵢ − √bᵢ)² = 8.25.
        var q = Rotation(0.3, 1.1);
        var fid = FrechetDistance.FromMoments([0, 0, 0], Conjugate(q, Diagonal(1, 4, 9)), [0, 0, 0], Conjugate(q, Diagonal(4, 1, 0.25)));
        Assert.That(fid, Is.EqualTo(8.25).Within(1e-6));
    }

    [Test]
    public void FromMoments_NonCommutingTwoByTwo_EqualsTheHandComputedValue()
    {
        // Σ₁ = [[2, 1], [1, 2]], Σ₂ = diag(1, 4): M = Σ₁Σ₂ has tr M = 2·1 + 2·4 = 10 and det M = 3·4 = 12, and its
        // eigenvalues are non-negative, so tr M^{1/2} = √(tr M + 2√det M) = √(10 + 4√3). With Δμ = (1, 2):
        // d² = 5 + (4 + 5) − 2√(10 + 4√3).
        double[] s1 = [2, 1, 1, 2], s2 = [1, 0, 0, 4];
        var expected = 14 - 2 * Math.Sqrt(10 + 4 * Math.Sqrt(3));
        var fid = FrechetDistance.FromMoments([0, 0], s1, [1, 2], s2);
        Assert.That(fid, Is.EqualTo(expected).Within(1e-6));
        // And the independent 2-D closed form already in the code base agrees.
        var twoD = FrechetDistance2D.FromMoments(new GaussianMoments2D(0, 0, 2, 1, 2), new GaussianMoments2D(1, 2, 1, 0, 4));
        Assert.That(fid, Is.EqualTo(twoD).Within(1e-9));
    }

    [Test]
    public void FromMoments_NonCommutingBlockThreeByThree_EqualsTheHandComputedValue()
    {
        // Block-diagonal: the 2×2 block above and a 1×1 block (3 against 5): tr √ = √(10 + 4√3) + √15.
        double[] s1 = [2, 1, 0, 1, 2, 0, 0, 0, 3], s2 = [1, 0, 0, 0, 4, 0, 0, 0, 5];
        var expected = (7 + 10) - 2 * (Math.Sqrt(10 + 4 * Math.Sqrt(3)) + Math.Sqrt(15)); // tr Σ₁ = 7, tr Σ₂ = 10
        Assert.That(FrechetDistance.FromMoments([0, 0, 0], s1, [0, 0, 0], s2), Is.EqualTo(expected).Within(1e-6));
    }

    [Test]
    public void TraceSqrtProduct_RandomCovariances_MatchesTheEigenvaluesOfTheProduct()
    {
        // The scipy route: tr (Σ₁Σ₂)^{1/2} = Σ √λ over the eigenvalues of the non-symmetric product (LAPACK geev).
        const int d = 30;
        using var g = new Generator(3);
        using var a = randn([d, 50], dtype: float64, generator: g);
        using var b = randn([d, 45], dtype: float64, generator: g);
        using var s1 = a.matmul(a.t()) / 50;
        using var s2 = b.matmul(b.t()) / 45;
        using var lambda = linalg.eigvals(s1.matmul(s2));
        using var real = lambda.real.clamp_min(0).sqrt().sum();
        var result = FrechetDistance.TraceSqrtProduct(s1.contiguous().data<double>().ToArray(), s2.contiguous().data<double>().ToArray(), d);
        Assert.That(result.Value, Is.EqualTo(real.item<double>()).Within(1e-9 * result.Value));
        Assert.That(result.Offset, Is.EqualTo(0));
        Assert.That(result.DiscardedImaginary, Is.LessThan(1e-6));
    }

    [Test]
    public void TraceSqrtProduct_SingularCovariance_IsFiniteAndExact()
    {
        // Σ₁ = vvᵀ (rank 1), v = (1, 1, 1): Σ₁Σ₂ = v(vᵀΣ₂) has one non-zero eigenvalue vᵀΣ₂v = 1 + 2 + 3 = 6.
        double[] s1 = [1, 1, 1, 1, 1, 1, 1, 1, 1];
        var result = FrechetDistance.TraceSqrtProduct(s1, Diagonal(1, 2, 3), 3);
        Assert.That(result.Value, Is.EqualTo(Math.Sqrt(6)).Within(1e-9));
        Assert.That(FrechetDistance.FromMoments([0, 0, 0], s1, [0, 0, 0], Diagonal(1, 2, 3)), Is.EqualTo(3 + 6 - 2 * Math.Sqrt(6)).Within(1e-6));
        // Both covariances zero: only the mean term is left.
        Assert.That(FrechetDistance.FromMoments([0, 0, 0], new double[9], [1, 2, 2], new double[9]), Is.EqualTo(9.0).Within(1e-12));
    }

    [Test]
    public void Compute_FewerSamplesThanDimensions_IsFiniteAndZeroAgainstItself()
    {
        // 5 points in 20-D: both covariances have rank 4, where scipy's sqrtm of the product is singular.
        using var g = new Generator(1);
        using var x = randn([5, 20], dtype: float64, generator: g);
        var stats = FeatureStatistics.FromFeatures(x);
        var fid = FrechetDistance.Compute(stats, stats);
        Assert.That(double.IsFinite(fid), Is.True);
        Assert.That(fid, Is.EqualTo(0).Within(1e-9));
    }

    [Test]
    public void TraceSqrtAttempt_WithOffset_AddsEpsilonToBothDiagonals()
    {
        // The scipy retry: zero covariances plus 1e-6·I each give tr √(ε²I) = d·ε.
        var result = FrechetDistance.TraceSqrtAttempt(new double[9], new double[9], 3, FrechetDistance.RetryOffset);
        Assert.That(result.Value, Is.EqualTo(3e-6).Within(1e-15));
        Assert.That(result.Offset, Is.EqualTo(1e-6));
    }

    [Test]
    public void TraceSqrtProduct_NotPositiveSemidefinite_ThrowsLikePytorchFid()
    {
        // Σ₂ = diag(1, −1): Σ₁Σ₂ has eigenvalue −1, an imaginary part of 1 in scipy; pytorch-fid raises.
        Assert.Throws<ArithmeticException>(() => FrechetDistance.TraceSqrtProduct(Diagonal(1, 1), Diagonal(1, -1), 2));
        Assert.That(FrechetDistance.FromMoments([0, double.NaN], Diagonal(1, 1), [0, 0], Diagonal(1, 1)), Is.NaN);
    }

    private static double[] Diagonal(params double[] values)
    {
        int d = values.Length;
        var m = new double[d * d];
        for (int i = 0; i < d; i++) m[i * d + i] = values[i];
        return m;
    }

    /// <summary>A 3-D rotation: about z by <paramref name="a"/>, then about x by <paramref name="b"/>.</summary>
    private static double[] Rotation(double a, double b)
    {
        double[] rz = [Math.Cos(a), -Math.Sin(a), 0, Math.Sin(a), Math.Cos(a), 0, 0, 0, 1];
        double[] rx = [1, 0, 0, 0, Math.Cos(b), -Math.Sin(b), 0, Math.Sin(b), Math.Cos(b)];
        return Multiply(rx, rz, 3);
    }

    private static double[] Conjugate(double[] q, double[] m) => Multiply(Multiply(q, m, 3), Transpose(q, 3), 3);

    private static double[] Multiply(double[] a, double[] b, int n)
    {
        var c = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                for (int k = 0; k < n; k++) c[i * n + j] += a[i * n + k] * b[k * n + j];
        return c;
    }

    private static double[] Transpose(double[] a, int n)
    {
        var t = new double[n * n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) t[j * n + i] = a[i * n + j];
        return t;
    }
}
