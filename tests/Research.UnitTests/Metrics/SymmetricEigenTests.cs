using Research.Evaluation.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

public class SymmetricEigenTests
{
    [Test]
    public void Decompose_TwoByTwo_GivesTheHandComputedPairs()
    {
        // [[2, 1], [1, 2]]: eigenvalues 1 and 3 with eigenvectors (1, −1)/√2 and (1, 1)/√2.
        var eig = SymmetricEigen.Decompose([2.0, 1.0, 1.0, 2.0], 2);
        Assert.That(eig.Values, Is.EqualTo(new[] { 1.0, 3.0 }).Within(1e-14));
        var s = 1 / Math.Sqrt(2);
        Assert.That(Math.Abs(eig.Vectors[0 * 2 + 0]), Is.EqualTo(s).Within(1e-14));
        Assert.That(eig.Vectors[0 * 2 + 0] * eig.Vectors[1 * 2 + 0], Is.EqualTo(-0.5).Within(1e-14)); // column 0 ∝ (1, −1)
        Assert.That(eig.Vectors[0 * 2 + 1] * eig.Vectors[1 * 2 + 1], Is.EqualTo(0.5).Within(1e-14));  // column 1 ∝ (1, 1)
    }

    [Test]
    public void Decompose_RandomCovariance_MatchesLapackAndReconstructs()
    {
        const int n = 40;
        using var g = new Generator(5);
        using var a = randn([n, 60], dtype: float64, generator: g);
        using var cov = a.matmul(a.t()) / 60;                                   // [n, n], PSD
        var matrix = cov.contiguous().data<double>().ToArray();

        var eig = SymmetricEigen.Decompose(matrix, n);
        var (lapackValues, lapackVectors) = linalg.eigh(cov);
        using (lapackValues)
        using (lapackVectors)
            Assert.That(eig.Values, Is.EqualTo(lapackValues.data<double>().ToArray()).Within(1e-12));

        using var v = tensor(eig.Vectors, [n, n]);
        using var lambda = tensor(eig.Values);
        using var rebuilt = v.matmul(diag(lambda)).matmul(v.t());
        using var identity = eye(n, dtype: float64);
        using var gram = v.t().matmul(v);
        Assert.That((rebuilt - cov).abs().max().item<double>(), Is.LessThan(1e-12));
        Assert.That((gram - identity).abs().max().item<double>(), Is.LessThan(1e-12));
        Assert.That(SymmetricEigen.Values(matrix, n), Is.EqualTo(eig.Values).Within(1e-12));
    }

    [Test]
    public void Decompose_SingularAndZeroMatrices_GiveZeroEigenvalues()
    {
        var zero = SymmetricEigen.Decompose(new double[9], 3);
        Assert.That(zero.Values, Is.EqualTo(new[] { 0.0, 0.0, 0.0 }));
        // vvᵀ with v = (1, 2, 2): eigenvalues 0, 0, ‖v‖² = 9.
        double[] v = [1, 2, 2];
        var rankOne = Enumerable.Range(0, 9).Select(k => v[k / 3] * v[k % 3]).ToArray();
        Assert.That(SymmetricEigen.Values(rankOne, 3), Is.EqualTo(new[] { 0.0, 0.0, 9.0 }).Within(1e-13));
    }

    [Test]
    public void Decompose_NonFiniteOrWrongSize_Throws()
    {
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([1.0, double.NaN, double.NaN, 1.0], 2));
        Assert.Throws<ArgumentException>(() => SymmetricEigen.Decompose([1.0, 2.0, 3.0], 2));
    }
}
