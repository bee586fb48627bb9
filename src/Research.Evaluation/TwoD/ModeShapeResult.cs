namespace Research.Evaluation.TwoD;

/// <summary>
/// Mode balance and within-mode shape of 2-D samples against a Gaussian mixture with known modes (<see cref="ModeShape"/>).
/// </summary>
/// <param name="ReverseKl">KL(q‖u) in nats of the on-mode histogram q from uniform over the K modes; 0 is perfectly balanced, ln K is everything in one mode.</param>
/// <param name="CovarianceError">Mean over the modes with at least <see cref="ModeShape.MinSamplesPerMode"/> on-mode samples of ‖Σ̂ₖ − Σₖ‖_F / σ².</param>
/// <param name="CovarianceErrorMax">The largest of those per-mode errors (a single collapsed mode shows here).</param>
/// <param name="ModesWithCovariance">Modes that entered the covariance error.</param>
/// <param name="OnModeCount">Samples within the high-quality radius of their nearest mean.</param>
public sealed record ModeShapeResult(
    double ReverseKl,
    double CovarianceError,
    double CovarianceErrorMax,
    int ModesWithCovariance,
    long OnModeCount);
