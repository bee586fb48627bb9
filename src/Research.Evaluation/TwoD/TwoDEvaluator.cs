using Research.Data.TwoD;
using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>
/// Evaluates generated 2-D samples against a reference data set: mode coverage (when the data have Gaussian modes),
/// the Fréchet distance of fitted Gaussians and the polynomial-kernel MMD², all in data space (docs/methods.md §7.5).
/// </summary>
/// <remarks>
/// Metrics follow SIDDM's 2-D code (arXiv:2306.12511) for the Fréchet distance and MMD², and the VEEGAN
/// (arXiv:1705.07761) / PacGAN (arXiv:1712.04086) convention for mode coverage, which is ours to report.
/// </remarks>
public static class TwoDEvaluator
{
    /// <summary>
    /// Computes <see cref="TwoDMetrics"/> for <paramref name="samplesDataSpace"/> <c>[N, 2]</c> (data space: map model
    /// outputs with <see cref="PointSet2D.ToDataSpace"/> first; N ≥ 2). <paramref name="seed"/> drives the MMD subsampling only.
    /// </summary>
    public static TwoDMetrics Evaluate(Tensor samplesDataSpace, PointSet2D reference, TwoDEvaluationOptions options, long seed)
    {
        ArgumentNullException.ThrowIfNull(samplesDataSpace);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new ArgumentException("Invalid 2-D evaluation options: " + string.Join(" ", errors), nameof(options));
        TwoDShapes.RequirePoints(samplesDataSpace, nameof(samplesDataSpace), minRows: 2);

        var coverage = reference.Modes is { } modes ? ModeCoverage.Compute(samplesDataSpace, modes, options.ModeCoverage) : null;
        var frechet = FrechetDistance2D.Compute(samplesDataSpace, reference.Points);
        var mmd2 = Mmd.Compute(reference.Points, samplesDataSpace, options.MmdNumPoints, seed);
        return new TwoDMetrics(reference.Name, samplesDataSpace.shape[0], reference.Count, coverage, frechet, mmd2, options.MmdNumPoints, seed);
    }
}
