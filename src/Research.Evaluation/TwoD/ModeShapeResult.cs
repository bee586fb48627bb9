namespace Research.Evaluation.TwoD;

/// <summary>
/// Mode balance and within-mode shape of 2-D samples against a Gaussian mixture with known modes (<see cref="ModeShape"/>).
/// </summary>
/// <param name="ReverseKl">KL(q‖u) in nats of the on-mode histogram q from uniform over the K modes; 0 is perfectly balanced, ln K is everything in one mode.</param>
/// <param name="CovarianceError">Mean over the K modes of ‖Σ̂ₖ − Σₖ‖_F / σ², a mode with fewer than <see cref="ModeShape.MinSamplesPerMode"/> on-mode samples counting as collapsed (Σ̂ₖ = 0).</param>
/// <param name="CovarianceErrorMax">The largest of those per-mode errors (a single collapsed mode shows here).</param>
/// <param name="ModesWithCovariance">Modes with at least <see cref="ModeShape.MinSamplesPerMode"/> on-mode samples (the others count as collapsed).</param>
/// <param name="OnModeCount">Samples within the high-quality radius of their nearest mean.</param>
public sealed record ModeShapeResult(
    double ReverseKl,
    double CovarianceError,
    double CovarianceErrorMax,
    int ModesWithCovariance,
    long OnModeCount);
