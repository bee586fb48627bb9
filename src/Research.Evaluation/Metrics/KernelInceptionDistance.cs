using static TorchSharp.torch;

namespace Research.Evaluation.Metrics;

/// <summary>
/// Kernel Inception Distance: the unbiased MMD² between two feature sets under the cubic polynomial kernel
/// k(x, y) = (xᵀy / d + 1)³, averaged over random subsets, reported as mean ± std.
/// </summary>
/// <remarks>
/// Bińkowski et al. 2018, "Demystifying MMD GANs" (KID, arXiv:1801.01401), §4 and App. D. The estimator is Gretton
/// et al. 2012, Eq. 3: MMD²ᵤ = Σ_{i≠j} k(xᵢ,xⱼ)/(m(m−1)) + Σ_{i≠j} k(yᵢ,yⱼ)/(m(m−1)) − 2 Σ_{i,j} k(xᵢ,yⱼ)/m².
/// Subsets: each draws <c>subsetSize</c> rows without replacement from each set. Defaults are torch-fidelity's
/// (100 subsets of 1000); the paper's own code defaults to 50 subsets of 1000. KID can be slightly negative: it is
/// unbiased, not clipped. Papers usually print KID × 10³.
/// </remarks>
public static class KernelInceptionDistance
{
    /// <summary>Default number of subsets (torch-fidelity).</summary>
    public const int DefaultSubsets = 100;

    /// <summary>Default subset size (the paper's code and torch-fidelity).</summary>
    public const int DefaultSubsetSize = 1000;

    /// <summary>
    /// KID between <paramref name="real"/> <c>[N, d]</c> and <paramref name="generated"/> <c>[M, d]</c>. Subsets are drawn
    /// from a generator seeded with <paramref name="seed"/> (per subset: real rows, then generated rows).
    /// <paramref name="subsetSize"/> must be at least 2 and at most min(N, M).
    /// </summary>
    public static MeanStd Compute(Tensor real, Tensor generated, long seed, int subsets = DefaultSubsets, int subsetSize = DefaultSubsetSize)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        if (real.dim() != 2 || generated.dim() != 2 || real.shape[1] != generated.shape[1])
            throw new ArgumentException($"Expected features [N, d] and [M, d], got [{string.Join(", ", real.shape)}] and [{string.Join(", ", generated.shape)}].");
        ArgumentOutOfRangeException.ThrowIfLessThan(subsets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(subsetSize, 2);
        if (subsetSize > real.shape[0] || subsetSize > generated.shape[0])
            throw new ArgumentException($"Subset size {subsetSize} exceeds the smaller set ({Math.Min(real.shape[0], generated.shape[0])} rows).", nameof(subsetSize));

        using var generator = new Generator((ulong)seed);
        using var r = real.detach().to(float64, CPU);
        using var g = generated.detach().to(float64, CPU);
        var values = new double[subsets];
        for (int s = 0; s < subsets; s++)
        {
            using var scope = NewDisposeScope();
            var x = r.index_select(0, randperm(r.shape[0], generator: generator).narrow(0, 0, subsetSize)); // [m, d]
            var y = g.index_select(0, randperm(g.shape[0], generator: generator).narrow(0, 0, subsetSize)); // [m, d]
            values[s] = UnbiasedMmd2(x, y);
        }
        return MeanStd.Of(values);
    }

    /// <summary>Unbiased MMD² with k(x, y) = (xᵀy/d + 1)³ between <paramref name="x"/> <c>[m, d]</c> and <paramref name="y"/> <c>[n, d]</c> (m, n ≥ 2).</summary>
    public static double UnbiasedMmd2(Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.shape[0] < 2 || y.shape[0] < 2) throw new ArgumentException("Each set needs at least 2 rows.");
        using var scope = NewDisposeScope();
        var a = x.to(float64);
        var b = y.to(float64);
        double d = a.shape[1], m = a.shape[0], n = b.shape[0];
        Tensor Kernel(Tensor u, Tensor v) => (u.matmul(v.t()) / d + 1).pow(3);
        var kxx = Kernel(a, a);
        var kyy = Kernel(b, b);
        var kxy = Kernel(a, b);
        var xx = (kxx.sum().item<double>() - kxx.diagonal().sum().item<double>()) / (m * (m - 1));
        var yy = (kyy.sum().item<double>() - kyy.diagonal().sum().item<double>()) / (n * (n - 1));
        var xy = kxy.sum().item<double>() / (m * n);
        return xx + yy - 2 * xy;
    }
}
