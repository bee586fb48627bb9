using Research.Data.TwoD;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>
/// Assigns 2-D points to the nearest mode mean, marking points farther than <c>radius</c> from it as off-mode
/// (label −1): the rule of the high-quality fraction (<see cref="ModeCoverage"/>), shared by <see cref="ModeShape"/>.
/// </summary>
internal static class ModeAssignment
{
    private const long ChunkRows = 1 << 16;

    /// <summary>
    /// The points <c>[N, 2]</c> as float64 pairs and, per point, its nearest mode's index, or −1 when that mean is farther
    /// than <paramref name="radius"/> (non-finite points are off-mode).
    /// </summary>
    public static (double[] Xy, long[] Label) Assign(Tensor points, ModeSet2D modes, double radius)
    {
        var n = points.shape[0];
        var k = modes.Count;
        var label = new long[n];
        double[] xy;
        using var scope = NewDisposeScope();
        var all = points.to(float64, CPU).contiguous();                                                     // [N, 2]
        xy = all.data<double>().ToArray();
        var means = tensor(modes.Means.SelectMany(m => new[] { m.X, m.Y }).ToArray(), [k, 2], dtype: float64); // [K, 2]
        var meansSq = means.square().sum(1);                                                               // [K]
        for (long start = 0; start < n; start += ChunkRows)
        {
            using var chunkScope = NewDisposeScope();
            var x = all.narrow(0, start, Math.Min(ChunkRows, n - start));                                  // [B, 2]
            var distSq = x.square().sum(1, keepdim: true) - 2 * x.matmul(means.T) + meansSq;               // [B, K]
            var nearest = distSq.argmin(1);                                                                // [B]
            var minDist = distSq.gather(1, nearest.unsqueeze(1)).squeeze(1).clamp_min(0).sqrt();           // [B]
            var labelled = where(minDist.le(radius), nearest, full_like(nearest, -1L)).data<long>().ToArray();                  // NaN fails "<="
            Array.Copy(labelled, 0, label, start, labelled.Length);
        }
        return (xy, label);
    }
}
