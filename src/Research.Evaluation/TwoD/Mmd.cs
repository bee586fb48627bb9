using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>
/// Unbiased MMD² with the polynomial kernel k(x, y) = (⟨x, y⟩/2 + 1)² between 2-D point sets, as in SIDDM's 2-D
/// evaluation (docs/methods.md §7.5): both sets are standardised with the real data's scalar mean and std, then
/// m points are drawn with replacement from each and the unbiased estimator is applied.
/// </summary>
/// <remarks>
/// Estimator: Gretton et al. 2012 (JMLR 13, "A Kernel Two-Sample Test", Eq. 3),
/// MMD²ᵤ = Σ_{i≠j} k(xᵢ,xⱼ)/(m(m−1)) + Σ_{i≠j} k(yᵢ,yⱼ)/(n(n−1)) − 2 Σ_{i,j} k(xᵢ,yⱼ)/(mn).
/// Because the kernel is a degree-2 polynomial it has an exact 6-dimensional feature map
/// φ(v) = (1, v₁, v₂, v₁²/2, v₂²/2, v₁v₂/√2) with k(x, y) = ⟨φ(x), φ(y)⟩, so the sums are
/// Σ_{i≠j} k(xᵢ,xⱼ) = ‖Σφ(xᵢ)‖² − Σ‖φ(xᵢ)‖² and Σ k(xᵢ,yⱼ) = ⟨Σφ(xᵢ), Σφ(yⱼ)⟩: O(m) time and memory instead of an
/// m×m Gram matrix (10,000² float64 = 800 MB), in float64. The std is the population std (NumPy's default).
/// </remarks>
public static class Mmd
{
    /// <summary>Points drawn from each set. Default 10,000 (SIDDM's code, docs/methods.md §7.5).</summary>
    public const int DefaultNumPoints = 10_000;

    /// <summary>
    /// MMD² between <paramref name="real"/> and <paramref name="generated"/> (<c>[N, 2]</c> each, data space) by the
    /// SIDDM protocol. Indices are drawn from a generator seeded with <paramref name="seed"/>: real first, then generated.
    /// </summary>
    public static double Compute(Tensor real, Tensor generated, int numPoints, long seed)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        TwoDShapes.RequirePoints(real, nameof(real), minRows: 2);
        TwoDShapes.RequirePoints(generated, nameof(generated), minRows: 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numPoints, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(seed);

        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var r = real.to(float64, CPU);                // [Nr, 2]
        var mean = r.mean().item<double>();           // scalar over all coordinates
        var std = r.std(unbiased: false).item<double>();
        if (!(std > 0)) throw new ArgumentException("The real data have zero spread; cannot standardise.", nameof(real));
        var realIdx = randint(0, r.shape[0], [numPoints], dtype: int64, generator: generator);
        var genIdx = randint(0, generated.shape[0], [numPoints], dtype: int64, generator: generator);
        var x = (r.index_select(0, realIdx) - mean) / std;                                // [m, 2]
        var y = (generated.to(float64, CPU).index_select(0, genIdx) - mean) / std;       // [m, 2]
        return UnbiasedPolynomial(x, y);
    }

    /// <summary>
    /// The unbiased MMD² estimate with k(x, y) = (⟨x, y⟩/2 + 1)² between <paramref name="x"/> <c>[m, 2]</c> and
    /// <paramref name="y"/> <c>[n, 2]</c> as given (no standardising, no resampling); m, n ≥ 2.
    /// </summary>
    public static double UnbiasedPolynomial(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        TwoDShapes.RequirePoints(x, nameof(x), minRows: 2);
        TwoDShapes.RequirePoints(y, nameof(y), minRows: 2);
        using var scope = NewDisposeScope();
        var (sumX, sumSqX) = FeatureSums(x);
        var (sumY, sumSqY) = FeatureSums(y);
        double m = x.shape[0], n = y.shape[0];
        var xx = (Dot(sumX, sumX) - sumSqX) / (m * (m - 1));
        var yy = (Dot(sumY, sumY) - sumSqY) / (n * (n - 1));
        var xy = Dot(sumX, sumY) / (m * n);
        return xx + yy - 2.0 * xy;
    }

    /// <summary>Σᵢ φ(vᵢ) and Σᵢ ‖φ(vᵢ)‖² for the feature map in the remarks.</summary>
    private static (double[] Sum, double SumSq) FeatureSums(Tensor v)
    {
        var d = v.to(float64, CPU);                 // [m, 2]
        var v1 = d.select(1, 0);
        var v2 = d.select(1, 1);
        var phi = stack([ones_like(v1), v1, v2, v1.square() / 2, v2.square() / 2, v1 * v2 / Math.Sqrt(2.0)], dim: 1); // [m, 6]
        // sum([0L]), not sum(0): a literal 0 converts to ScalarType.Byte and selects the dtype overload.
        var sum = phi.sum([0L]).data<double>().ToArray();
        var sumSq = phi.square().sum().item<double>();
        return (sum, sumSq);
    }

    private static double Dot(double[] a, double[] b)
    {
        var s = 0.0;
        for (var i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
