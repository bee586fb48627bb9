using static TorchSharp.torch;

namespace Research.Evaluation.Metrics;

/// <summary>
/// Improved precision and recall (k-nearest-neighbour manifolds) between real and generated feature sets.
/// </summary>
/// <remarks>
/// <para>Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for Assessing Generative Models"
/// (arXiv:1904.06991), §2, Eq. 1–2; docs/methods.md §7.4. For each real r the radius ρ(r) is the distance to its
/// k-th nearest other real point (k = 3); precision = fraction of generated g with ‖g − r‖ ≤ ρ(r) for some r;
/// recall swaps the roles.</para>
/// <para>As in the reference implementation, squared distances ‖a‖² − 2aᵀb + ‖b‖² are computed in float32 with
/// matrix products and compared with squared radii, and a point's own zero distance is counted among its
/// neighbours (so the radius is the (k+1)-th smallest distance including itself). The distance matrix is never
/// materialised: blocks of rows against all columns, each block holding at most <c>blockElements</c> distances
/// (default 2²⁴ = 64 MB of float32).</para>
/// </remarks>
public static class PrecisionRecall
{
    /// <summary>Neighbourhood size of the paper.</summary>
    public const int DefaultK = 3;

    /// <summary>Distances held per block by default (2²⁴ float32 = 64 MB).</summary>
    public const long DefaultBlockElements = 1L << 24;

    /// <summary>Precision and recall of <paramref name="generated"/> <c>[M, d]</c> against <paramref name="real"/> <c>[N, d]</c> (N, M &gt; k).</summary>
    public static PrecisionRecallResult Compute(Tensor real, Tensor generated, int k = DefaultK, long blockElements = DefaultBlockElements)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        if (real.dim() != 2 || generated.dim() != 2 || real.shape[1] != generated.shape[1])
            throw new ArgumentException($"Expected features [N, d] and [M, d], got [{string.Join(", ", real.shape)}] and [{string.Join(", ", generated.shape)}].");
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockElements, 1);
        if (real.shape[0] <= k || generated.shape[0] <= k)
            throw new ArgumentException($"Each set needs more than k = {k} rows (have {real.shape[0]} and {generated.shape[0]}).");

        using var r = real.detach().to(float32, CPU).contiguous();
        using var g = generated.detach().to(float32, CPU).contiguous();
        using var realRadii = KthNeighbourSquaredRadii(r, k, blockElements);      // [N]
        using var generatedRadii = KthNeighbourSquaredRadii(g, k, blockElements); // [M]
        var precision = FractionInsideAnyBall(g, r, realRadii, blockElements);
        var recall = FractionInsideAnyBall(r, g, generatedRadii, blockElements);
        return new PrecisionRecallResult(precision, recall, k, r.shape[0], g.shape[0]);
    }

    /// <summary>Squared distance of each row of <paramref name="points"/> <c>[N, d]</c> to its k-th nearest other row: <c>[N]</c>.</summary>
    public static Tensor KthNeighbourSquaredRadii(Tensor points, int k, long blockElements = DefaultBlockElements)
    {
        ArgumentNullException.ThrowIfNull(points);
        var n = points.shape[0];
        if (n <= k) throw new ArgumentException($"Need more than k = {k} points, have {n}.", nameof(points));
        using var norms = points.square().sum([1L]);                                 // [N]
        var radii = empty(n, dtype: float32);
        long rows = Math.Max(1, blockElements / n);
        for (long start = 0; start < n; start += rows)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(rows, n - start);
            var d2 = SquaredDistances(points.narrow(0, start, count), norms.narrow(0, start, count), points, norms); // [b, N]
            var (values, _) = d2.topk(k + 1, dim: 1, largest: false, sorted: true);   // own point first (distance ≈ 0)
            radii.narrow(0, start, count).copy_(values.select(1, k));
        }
        return radii;
    }

    /// <summary>Fraction of <paramref name="queries"/> within the squared radius of at least one of <paramref name="centres"/>.</summary>
    public static double FractionInsideAnyBall(Tensor queries, Tensor centres, Tensor squaredRadii, long blockElements = DefaultBlockElements)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(centres);
        ArgumentNullException.ThrowIfNull(squaredRadii);
        long q = queries.shape[0], c = centres.shape[0];
        using var centreNorms = centres.square().sum([1L]);                            // [C]
        using var queryNorms = queries.square().sum([1L]);                             // [Q]
        using var radiiRow = squaredRadii.unsqueeze(0);                                // [1, C]
        long inside = 0, rows = Math.Max(1, blockElements / c);
        for (long start = 0; start < q; start += rows)
        {
            using var scope = NewDisposeScope();
            long count = Math.Min(rows, q - start);
            var d2 = SquaredDistances(queries.narrow(0, start, count), queryNorms.narrow(0, start, count), centres, centreNorms); // [b, C]
            inside += d2.le(radiiRow).any(1).sum().item<long>();
        }
        return (double)inside / q;
    }

    /// <summary>‖aᵢ‖² − 2aᵢᵀbⱼ + ‖bⱼ‖², clamped at 0: <c>[A, B]</c>.</summary>
    private static Tensor SquaredDistances(Tensor a, Tensor aNorms, Tensor b, Tensor bNorms) =>
        (aNorms.unsqueeze(1) - 2 * a.matmul(b.t()) + bNorms.unsqueeze(0)).clamp_min(0);
}
