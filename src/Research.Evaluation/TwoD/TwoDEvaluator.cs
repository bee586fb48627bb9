using Research.Data.TwoD;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>
/// Evaluates generated 2-D samples against a reference data set, all in data space (docs/methods.md §7.5): mode coverage,
/// mode balance (reverse KL) and within-mode covariance error (when the data have Gaussian modes), the Gaussian-kernel
/// MMD² and sliced Wasserstein-1 against a fresh real subset, and the older whole-mixture Fréchet distance and
/// polynomial-kernel MMD².
/// </summary>
/// <remarks>
/// Metrics follow SIDDM's 2-D code (arXiv:2306.12511) for the Fréchet distance and polynomial MMD², the VEEGAN
/// (arXiv:1705.07761) / PacGAN (arXiv:1712.04086) convention for mode coverage, DDGAN's StackedMNIST protocol
/// (arXiv:2112.07804) for the reverse KL; the covariance error and the choice of bandwidth are ours.
/// <para>
/// Real subset: m = min(n, <see cref="TwoDEvaluationOptions.MmdNumPoints"/>) real points drawn without replacement
/// (with replacement if the reference holds fewer) by a generator seeded with the evaluation seed; when n &gt; m, the
/// same generator then picks m of the samples. The Gaussian MMD² and the sliced Wasserstein compare these two sets.
/// </para>
/// </remarks>
public static class TwoDEvaluator
{
    /// <summary>Gaussian-MMD bandwidth for data without modes, as a fraction of the real data's std (ours).</summary>
    public const double BandwidthFractionWithoutModes = 0.1;

    /// <summary>
    /// Computes <see cref="TwoDMetrics"/> for <paramref name="samplesDataSpace"/> <c>[N, 2]</c> (data space: map model
    /// outputs with <see cref="PointSet2D.ToDataSpace"/> first; N ≥ 2). <paramref name="seed"/> drives the MMD subsampling,
    /// the real subset and the sliced Wasserstein directions.
    /// </summary>
    public static TwoDMetrics Evaluate(Tensor samplesDataSpace, PointSet2D reference, TwoDEvaluationOptions options, long seed)
    {
        ArgumentNullException.ThrowIfNull(samplesDataSpace);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new ArgumentException("Invalid 2-D evaluation options: " + string.Join(" ", errors), nameof(options));
        TwoDShapes.RequirePoints(samplesDataSpace, nameof(samplesDataSpace), minRows: 2);

        var modes = reference.Modes;
        var coverage = modes is null ? null : ModeCoverage.Compute(samplesDataSpace, modes, options.ModeCoverage);
        var shape = modes is null ? null : ModeShape.Compute(samplesDataSpace, reference.Points, modes, options.ModeCoverage.RadiusInSigmas);
        var frechet = FrechetDistance2D.Compute(samplesDataSpace, reference.Points);
        var mmd2 = Mmd.Compute(reference.Points, samplesDataSpace, options.MmdNumPoints, seed);

        using var scope = NewDisposeScope();
        var (real, generated) = Subsets(samplesDataSpace, reference.Points, options.MmdNumPoints, seed);
        var bandwidth = modes?.Sigma ?? BandwidthFractionWithoutModes * reference.Points.to(float64).std(unbiased: false).item<double>();
        var gaussianMmd2 = GaussianMmd.Unbiased(real, generated, bandwidth);
        var sw1 = SlicedWasserstein.W1(real, generated, options.NumProjections, seed);
        return new TwoDMetrics(reference.Name, samplesDataSpace.shape[0], reference.Count, coverage, frechet, mmd2, options.MmdNumPoints, seed,
            shape, gaussianMmd2, bandwidth, sw1, options.NumProjections);
    }

    /// <summary>The fresh real subset and the samples, both m = min(n, cap) rows, float64 (see the remarks).</summary>
    private static (Tensor Real, Tensor Generated) Subsets(Tensor samples, Tensor realPoints, int cap, long seed)
    {
        using var generator = new Generator((ulong)seed);
        var n = samples.shape[0];
        var m = Math.Min(n, cap);
        var nr = realPoints.shape[0];
        var realIdx = nr >= m
            ? randperm(nr, generator: generator).narrow(0, 0, m)
            : randint(0, nr, [m], dtype: int64, generator: generator);
        var real = realPoints.to(float64, CPU).index_select(0, realIdx);
        var generated = samples.to(float64, CPU);
        if (n > m) generated = generated.index_select(0, randperm(n, generator: generator).narrow(0, 0, m));
        return (real, generated);
    }
}
