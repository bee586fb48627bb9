using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>Mean and covariance of a 2-D point set (float64), the Gaussian the Fréchet distance compares.</summary>
/// <param name="MeanX">Mean of the first coordinate.</param>
/// <param name="MeanY">Mean of the second coordinate.</param>
/// <param name="Cxx">Variance of the first coordinate.</param>
/// <param name="Cxy">Covariance of the two coordinates.</param>
/// <param name="Cyy">Variance of the second coordinate.</param>
public sealed record GaussianMoments2D(double MeanX, double MeanY, double Cxx, double Cxy, double Cyy)
{
    /// <summary>
    /// Sample mean and unbiased covariance (divisor N − 1, as <c>np.cov</c> in pytorch-fid and SIDDM's code) of
    /// <paramref name="points"/> <c>[N, 2]</c>, N ≥ 2, computed in float64 with a centred second pass.
    /// </summary>
    public static GaussianMoments2D Of(Tensor points)
    {
        ArgumentNullException.ThrowIfNull(points);
        TwoDShapes.RequirePoints(points, nameof(points), minRows: 2);
        using var scope = NewDisposeScope();
        var x = points.to(float64, CPU);                       // [N, 2]
        var mean = x.mean([0]);                                // [2]
        var centred = x - mean;                                // [N, 2]
        var cov = centred.T.matmul(centred) / (x.shape[0] - 1); // [2, 2]
        var m = mean.data<double>().ToArray();
        var c = cov.contiguous().data<double>().ToArray();
        return new GaussianMoments2D(m[0], m[1], c[0], c[1], c[3]);
    }
}
