using Research.Data.TwoD;
using Research.Evaluation.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>
/// Metrics that see inside the modes of a 2-D Gaussian mixture: the reverse KL of the per-mode sample counts from
/// uniform (mode balance) and the within-mode covariance error (collapse, 1-D curves, shrunken or over-dispersed modes).
/// </summary>
/// <remarks>
/// Assignment: each sample goes to its nearest mean; samples farther than <c>RadiusInSigmas·σ</c> (3σ, the same rule as
/// the high-quality fraction of <see cref="ModeCoverage"/>) are off-mode and enter neither metric.
/// <para>
/// Reverse KL: the mode-balance protocol DDGAN (arXiv:2112.07804, Table 3) uses on StackedMNIST, KL(p_model ‖ uniform)
/// over the 1,000 modes; here KL(q‖u) = Σₖ qₖ ln(K qₖ) with qₖ = cₖ / Σⱼ cⱼ over on-mode samples only, empty modes
/// contributing 0 (0 ln 0 = 0), so dropping modes raises it up to ln K. With no on-mode sample it is ln K (the worst
/// value). Sampling noise of a balanced sampler: E[KL] ≈ (K − 1)/(2n).
/// </para>
/// <para>
/// Covariance error (ours): for each mode k with at least <see cref="MinSamplesPerMode"/> on-mode samples,
/// eₖ = ‖Σ̂ₖ − Σₖ‖_F / σ², Σ̂ₖ the unbiased covariance (divisor m − 1) of its on-mode samples and Σₖ the same statistic
/// of the real points on mode k under the same 3σ rule (so truncation and the grid's noise clipping cancel; ≈ 0.95σ²I).
/// Reported: the mean over all K modes and the maximum. A mode with fewer samples counts as fully collapsed (Σ̂ₖ = 0,
/// eₖ = ‖Σₖ‖_F/σ² ≈ 1.34): no spread was produced there, and the metric stays finite for any sampler. Noise floor of a faithful sampler with m samples per mode:
/// E eₖ² ≈ 6/(m − 1) for a Gaussian mode. All in float64.
/// </para>
/// </remarks>
public static class ModeShape
{
    /// <summary>On-mode samples a mode needs for its covariance to count (a 2×2 covariance from 2 points is singular).</summary>
    public const int MinSamplesPerMode = 3;

    /// <summary>
    /// Computes the metrics of <paramref name="samplesDataSpace"/> <c>[N, 2]</c> against <paramref name="modes"/>, with the
    /// mode covariances Σₖ taken from <paramref name="realDataSpace"/> <c>[M, 2]</c> (the reference data).
    /// </summary>
    public static ModeShapeResult Compute(Tensor samplesDataSpace, Tensor realDataSpace, ModeSet2D modes, double radiusInSigmas = 3.0)
    {
        ArgumentNullException.ThrowIfNull(samplesDataSpace);
        ArgumentNullException.ThrowIfNull(realDataSpace);
        ArgumentNullException.ThrowIfNull(modes);
        TwoDShapes.RequirePoints(samplesDataSpace, nameof(samplesDataSpace), minRows: 0);
        TwoDShapes.RequirePoints(realDataSpace, nameof(realDataSpace), minRows: 1);
        if (!(radiusInSigmas > 0) || !double.IsFinite(radiusInSigmas))
            throw new ArgumentOutOfRangeException(nameof(radiusInSigmas), radiusInSigmas, "radius must be positive and finite.");

        var radius = radiusInSigmas * modes.Sigma;
        var sigma2 = modes.Sigma * modes.Sigma;
        var samples = Covariances(samplesDataSpace, modes, radius);
        var real = Covariances(realDataSpace, modes, radius);

        var k = modes.Count;
        long onMode = samples.Count.Sum();
        var kl = ModeHistogram.ReverseKlFromUniform(samples.Count);

        var errors = new List<double>();
        for (var j = 0; j < k; j++)
        {
            // A real mode too sparse for a covariance falls back to the component's own σ²I.
            var target = real.Count[j] >= MinSamplesPerMode ? real.Cov[j] : [sigma2, 0.0, sigma2];
            var s = samples.Count[j] >= MinSamplesPerMode ? samples.Cov[j] : [0.0, 0.0, 0.0];
            double dxx = s[0] - target[0], dxy = s[1] - target[1], dyy = s[2] - target[2];
            errors.Add(Math.Sqrt(dxx * dxx + 2 * dxy * dxy + dyy * dyy) / sigma2);
        }
        return new ModeShapeResult(
            ReverseKl: kl,
            CovarianceError: errors.Average(),
            CovarianceErrorMax: errors.Max(),
            ModesWithCovariance: samples.Count.Count(c => c >= MinSamplesPerMode),
            OnModeCount: onMode);
    }

    /// <summary>Per mode: on-mode count and unbiased covariance (xx, xy, yy), two passes in float64.</summary>
    private static (long[] Count, double[][] Cov) Covariances(Tensor points, ModeSet2D modes, double radius)
    {
        var k = modes.Count;
        var (xy, label) = ModeAssignment.Assign(points, modes, radius);
        var count = new long[k];
        var mean = new double[k, 2];
        for (var i = 0; i < label.Length; i++)
        {
            if (label[i] < 0) continue;
            count[label[i]]++;
            mean[label[i], 0] += xy[2 * i];
            mean[label[i], 1] += xy[2 * i + 1];
        }
        for (var j = 0; j < k; j++)
            if (count[j] > 0) { mean[j, 0] /= count[j]; mean[j, 1] /= count[j]; }
        var cov = new double[k][];
        for (var j = 0; j < k; j++) cov[j] = new double[3];
        for (var i = 0; i < label.Length; i++)
        {
            if (label[i] < 0) continue;
            var j = label[i];
            double dx = xy[2 * i] - mean[j, 0], dy = xy[2 * i + 1] - mean[j, 1];
            cov[j][0] += dx * dx;
            cov[j][1] += dx * dy;
            cov[j][2] += dy * dy;
        }
        for (var j = 0; j < k; j++)
            if (count[j] > 1) for (var c = 0; c < 3; c++) cov[j][c] /= count[j] - 1;
        return (count, cov);
    }
}
