namespace Research.Evaluation.TwoD;

/// <summary>All 2-D metrics of one set of samples against one reference data set.</summary>
/// <param name="DataSet">Name of the reference data set, e.g. <c>gaussian-grid</c>.</param>
/// <param name="SampleCount">Number of generated samples evaluated.</param>
/// <param name="ReferenceCount">Number of real points.</param>
/// <param name="ModeCoverage">Mode coverage (ours, VEEGAN/PacGAN convention), or null when the data set has no Gaussian modes (swiss roll: N/A).</param>
/// <param name="FrechetDistance">Fréchet distance of the fitted Gaussians, raw data-space coordinates (SIDDM's 2-D "FID").</param>
/// <param name="Mmd2">Unbiased MMD² with the polynomial kernel after standardising (SIDDM's protocol).</param>
/// <param name="MmdNumPoints">Points drawn from each set for <paramref name="Mmd2"/>.</param>
/// <param name="Seed">Seed of the MMD subsampling.</param>
/// <param name="ModeShape">Reverse KL of the mode histogram and within-mode covariance error, or null without Gaussian modes.</param>
/// <param name="GaussianMmd2">Unbiased Gaussian-kernel MMD² against a fresh real subset of the same size (<see cref="TwoD.GaussianMmd"/>).</param>
/// <param name="GaussianMmdBandwidth">Its bandwidth h (data space): the mode σ, or 0.1 × the real data's std without modes.</param>
/// <param name="SlicedWasserstein1">Sliced Wasserstein-1 against the same real subset (<see cref="TwoD.SlicedWasserstein"/>), data-space units.</param>
/// <param name="NumProjections">Directions of the sliced Wasserstein distance.</param>
public sealed record TwoDMetrics(
    string DataSet,
    long SampleCount,
    long ReferenceCount,
    ModeCoverageResult? ModeCoverage,
    double FrechetDistance,
    double Mmd2,
    int MmdNumPoints,
    long Seed,
    ModeShapeResult? ModeShape = null,
    double GaussianMmd2 = double.NaN,
    double GaussianMmdBandwidth = double.NaN,
    double SlicedWasserstein1 = double.NaN,
    int NumProjections = 0);
