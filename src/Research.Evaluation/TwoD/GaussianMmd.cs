using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>
/// Unbiased MMD² with the Gaussian kernel k(x, y) = exp(−‖x − y‖² / (2h²)) between 2-D point sets, in data space. With
/// h near the mode width it compares the mixture mode by mode (unlike the degree-2 polynomial MMD² of <see cref="Mmd"/>,
/// which sees only the first two moments of the whole mixture).
/// </summary>
/// <remarks>
/// Estimator: Gretton et al. 2012 (JMLR 13, "A Kernel Two-Sample Test", Eq. 3),
/// MMD²ᵤ = Σ_{i≠j} k(xᵢ,xⱼ)/(m(m−1)) + Σ_{i≠j} k(yᵢ,yⱼ)/(n(n−1)) − 2 Σ_{i,j} k(xᵢ,yⱼ)/(mn); docs/methods.md §7.5.
/// It is unbiased, so a faithful sampler scores ≈ 0 and may score slightly below 0. The Gram sums skip pairs farther
/// apart than <see cref="CutoffInBandwidths"/>·h (kernel below 1.3e-14) by binning points into cells, so the cost is
/// O(n · neighbours) rather than O(n²): well under a second for n = 10,000 on the 25-mode grid (the O(n²) worst case, all
/// points in one cell, takes a few seconds). Float64, single-threaded, deterministic. Non-finite points give NaN.
/// </remarks>
public static class GaussianMmd
{
    /// <summary>Pairs farther apart than this many bandwidths are left out of the kernel sums (their kernel is below exp(−32)).</summary>
    public const double CutoffInBandwidths = 8.0;

    /// <summary>The unbiased MMD² between <paramref name="x"/> <c>[m, 2]</c> and <paramref name="y"/> <c>[n, 2]</c> (m, n ≥ 2) with bandwidth <paramref name="bandwidth"/> &gt; 0.</summary>
    public static double Unbiased(Tensor x, Tensor y, double bandwidth)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        TwoDShapes.RequirePoints(x, nameof(x), minRows: 2);
        TwoDShapes.RequirePoints(y, nameof(y), minRows: 2);
        if (!(bandwidth > 0) || !double.IsFinite(bandwidth))
            throw new ArgumentOutOfRangeException(nameof(bandwidth), bandwidth, "bandwidth must be positive and finite.");
        var a = Flat(x);
        var b = Flat(y);
        double m = a.Length / 2, n = b.Length / 2;
        if (a.Any(v => !double.IsFinite(v)) || b.Any(v => !double.IsFinite(v))) return double.NaN;
        // Diagonal terms k(xᵢ, xᵢ) = 1 are removed from the within-set sums.
        var xx = (KernelSum(a, a, bandwidth) - m) / (m * (m - 1));
        var yy = (KernelSum(b, b, bandwidth) - n) / (n * (n - 1));
        var xy = KernelSum(a, b, bandwidth) / (m * n);
        return xx + yy - 2.0 * xy;
    }

    private static double[] Flat(Tensor points)
    {
        using var scope = NewDisposeScope();
        return points.to(float64, CPU).contiguous().data<double>().ToArray();
    }

    /// <summary>
    /// Σᵢⱼ exp(−‖aᵢ − bⱼ‖²/(2h²)) over the pairs closer than <see cref="CutoffInBandwidths"/>·h: the points of
    /// <paramref name="b"/> are binned into square cells of that side, and each point of <paramref name="a"/> visits the
    /// 3×3 cells around its own. Pairs left out weigh less than exp(−32) ≈ 1.3e-14 each.
    /// </summary>
    private static double KernelSum(double[] a, double[] b, double bandwidth)
    {
        var cell = CutoffInBandwidths * bandwidth;
        var cutoffSq = cell * cell;
        var gamma = 1.0 / (2.0 * bandwidth * bandwidth);
        var cells = new Dictionary<(long, long), List<int>>();
        for (var j = 0; j < b.Length / 2; j++)
        {
            var key = ((long)Math.Floor(b[2 * j] / cell), (long)Math.Floor(b[2 * j + 1] / cell));
            if (!cells.TryGetValue(key, out var list)) cells[key] = list = [];
            list.Add(j);
        }
        var total = 0.0;
        for (var i = 0; i < a.Length / 2; i++)
        {
            double ax = a[2 * i], ay = a[2 * i + 1];
            long cx = (long)Math.Floor(ax / cell), cy = (long)Math.Floor(ay / cell);
            for (var dx = -1L; dx <= 1; dx++)
                for (var dy = -1L; dy <= 1; dy++)
                {
                    if (!cells.TryGetValue((cx + dx, cy + dy), out var list)) continue;
                    foreach (var j in list)
                    {
                        double ex = ax - b[2 * j], ey = ay - b[2 * j + 1];
                        var d2 = ex * ex + ey * ey;
                        if (d2 < cutoffSq) total += Math.Exp(-gamma * d2);
                    }
                }
        }
        return total;
    }
}
