using Research.Evaluation.TwoD;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.TwoD;

public class FrechetDistance2DTests
{
    [Test]
    public void Compute_IdenticalSets_IsZero()
    {
        using var a = CorrelatedPoints(seed: 1);
        Assert.That(FrechetDistance2D.Compute(a, a), Is.EqualTo(0.0).Within(1e-9));
    }

    [Test]
    public void Compute_MeanShiftOnly_IsSquaredShift()
    {
        using var a = CorrelatedPoints(seed: 2);
        using var shift = tensor(new[] { 3.0, -4.0 });
        using var b = a + shift;
        Assert.That(FrechetDistance2D.Compute(a, b), Is.EqualTo(25.0).Within(1e-8));
    }

    [Test]
    public void Compute_SetScaledByTwoAboutItsMean_IsTraceOfCovariance()
    {
        // Σ_b = 4Σ_a, equal means: Tr(Σ + 4Σ − 2·(4Σ²)^{1/2}) = Tr Σ.
        using var a = CorrelatedPoints(seed: 3);
        using var mean = a.mean([0]);
        using var centred = a - mean;
        using var twice = centred * 2;
        using var b = twice + mean;
        var moments = GaussianMoments2D.Of(a);
        Assert.That(FrechetDistance2D.Compute(a, b), Is.EqualTo(moments.Cxx + moments.Cyy).Within(1e-9));
    }

    [TestCase(1.0, 1.0)]
    [TestCase(0.5, 2.0)]
    [TestCase(3.0, 0.1)]
    public void FromMoments_IsotropicGaussians_IsTwiceSquaredStdGapPlusShift(double s1, double s2)
    {
        var first = new GaussianMoments2D(0, 0, s1 * s1, 0, s1 * s1);
        var second = new GaussianMoments2D(1, 2, s2 * s2, 0, s2 * s2);
        var expected = 5.0 + 2.0 * (s1 - s2) * (s1 - s2);   // (σ₁−σ₂)² per dimension, two dimensions
        Assert.That(FrechetDistance2D.FromMoments(first, second), Is.EqualTo(expected).Within(1e-12));
    }

    [Test]
    public void TraceSqrtOfProduct_RandomCovariances_MatchesEigenDecomposition()
    {
        var rng = new Random(42);
        for (var trial = 0; trial < 50; trial++)
        {
            var first = RandomMoments(rng);
            var second = RandomMoments(rng);
            // Independent route: tr (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2} via symmetric eigen-decompositions.
            using var s1 = tensor(new[] { first.Cxx, first.Cxy, first.Cxy, first.Cyy }, [2, 2]);
            using var s2 = tensor(new[] { second.Cxx, second.Cxy, second.Cxy, second.Cyy }, [2, 2]);
            using var root1 = SymmetricSqrt(s1);
            using var inner = root1.matmul(s2).matmul(root1);
            var (eigenvalues, eigenvectors) = linalg.eigh(inner);
            using (eigenvalues)
            using (eigenvectors)
            {
                var expected = eigenvalues.clamp_min(0).sqrt().sum().item<double>();
                Assert.That(FrechetDistance2D.TraceSqrtOfProduct(first, second), Is.EqualTo(expected).Within(1e-9 * (1 + expected)));
            }
        }
    }

    [Test]
    public void Compute_DegenerateCovariance_IsFinite()
    {
        using var t = linspace(0, 1, 100, dtype: float64);
        using var line = stack([t, t * 2], dim: 1);                                   // rank-1 covariance
        using var other = CorrelatedPoints(seed: 4);
        Assert.That(double.IsFinite(FrechetDistance2D.Compute(line, other)), Is.True);
        Assert.That(FrechetDistance2D.Compute(line, line), Is.EqualTo(0.0).Within(1e-9));
    }

    [Test]
    public void Compute_NonFiniteSamples_IsNaN()
    {
        using var a = CorrelatedPoints(seed: 5);
        using var b = a.clone();
        b[0, 0] = double.NaN;
        Assert.That(FrechetDistance2D.Compute(a, b), Is.NaN);
    }

    private static Tensor CorrelatedPoints(ulong seed)
    {
        using var g = new Generator(seed);
        using var z = randn([4_000, 2], dtype: float64, generator: g);
        using var mix = tensor(new[] { 1.5, 0.0, 0.8, 0.4 }, [2, 2], dtype: float64);
        using var offset = tensor(new[] { 2.0, -1.0 });
        using var mixed = z.matmul(mix);
        return mixed + offset; // [4000, 2]
    }

    private static GaussianMoments2D RandomMoments(Random rng)
    {
        var (a, b, c, d) = (rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1);
        // Σ = AAᵀ with A = [[a, b], [c, d]]: PSD by construction.
        return new GaussianMoments2D(0, 0, a * a + b * b, a * c + b * d, c * c + d * d);
    }

    private static Tensor SymmetricSqrt(Tensor s)
    {
        var (values, vectors) = linalg.eigh(s);
        using (values)
        using (vectors)
        {
            using var roots = values.clamp_min(0).sqrt();
            using var scaled = vectors * roots;
            return scaled.matmul(vectors.T);
        }
    }
}
