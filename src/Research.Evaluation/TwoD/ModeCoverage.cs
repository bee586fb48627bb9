using Research.Data.TwoD;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>
/// Mode coverage and high-quality fraction of 2-D samples against known Gaussian modes: each sample is assigned
/// to its nearest mean; it is high quality if it lies within <c>RadiusInSigmas·σ</c> (Euclidean) of that mean; a
/// mode is covered if it receives at least the threshold number of high-quality samples.
/// </summary>
/// <remarks>
/// The community convention of VEEGAN (Srivastava et al. 2017, arXiv:1705.07761) and PacGAN (Lin et al. 2018,
/// arXiv:1712.04086), as docs/methods.md §7.5 prescribes; report it as "ours", see <see cref="ModeCoverageResult.Convention"/>.
/// For a 2-D isotropic Gaussian, P(‖x − μ‖ ≤ 3σ) = 1 − exp(−9/2) ≈ 0.9889, the ideal high-quality fraction.
/// Distances are computed in float64, in chunks to bound memory.
/// </remarks>
public static class ModeCoverage
{
    private const long ChunkRows = 1 << 16;

    /// <summary>Evaluates <paramref name="samplesDataSpace"/> (<c>[N, 2]</c>, data space, any float dtype) against <paramref name="modes"/>.</summary>
    public static ModeCoverageResult Compute(Tensor samplesDataSpace, ModeSet2D modes, ModeCoverageOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(samplesDataSpace);
        ArgumentNullException.ThrowIfNull(modes);
        options ??= new ModeCoverageOptions();
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        TwoDShapes.RequirePoints(samplesDataSpace, nameof(samplesDataSpace), minRows: 0);

        var n = samplesDataSpace.shape[0];
        var k = modes.Count;
        var radius = options.RadiusInSigmas * modes.Sigma;
        var hqPerMode = new long[k];
        var assignedPerMode = new long[k];
        using (NewDisposeScope())
        {
            var means = tensor(modes.Means.SelectMany(m => new[] { m.X, m.Y }).ToArray(), [k, 2], dtype: float64); // [K, 2]
            var meansSq = means.square().sum(1);                                                               // [K]
            for (long start = 0; start < n; start += ChunkRows)
            {
                using var chunkScope = NewDisposeScope();
                var x = samplesDataSpace.narrow(0, start, Math.Min(ChunkRows, n - start)).to(float64, CPU);     // [B, 2]
                var distSq = x.square().sum(1, keepdim: true) - 2 * x.matmul(means.T) + meansSq;               // [B, K]
                var nearest = distSq.argmin(1);                                                                // [B]
                var minDist = distSq.gather(1, nearest.unsqueeze(1)).squeeze(1).clamp_min(0).sqrt();           // [B]
                // NaN samples fail "<=" and never count as high quality.
                var highQuality = minDist.le(radius);                                                          // [B]
                var assigned = nearest.bincount(null, k).data<long>().ToArray();
                var hq = nearest[highQuality].bincount(null, k).data<long>().ToArray();
                for (var j = 0; j < k; j++)
                {
                    assignedPerMode[j] += assigned[j];
                    hqPerMode[j] += hq[j];
                }
            }
        }

        var threshold = options.ThresholdFor(n, k);
        return new ModeCoverageResult(
            ModesCovered: hqPerMode.Count(c => c >= threshold),
            NumModes: k,
            HighQualityFraction: n == 0 ? 0.0 : (double)hqPerMode.Sum() / n,
            HighQualityPerMode: hqPerMode,
            AssignedPerMode: assignedPerMode,
            Sigma: modes.Sigma,
            RadiusInSigmas: options.RadiusInSigmas,
            Threshold: threshold,
            SampleCount: n);
    }
}
