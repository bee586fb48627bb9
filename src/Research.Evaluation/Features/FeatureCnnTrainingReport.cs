namespace Research.Evaluation.Features;

/// <summary>What a <see cref="FeatureCnnTrainer"/> run did.</summary>
/// <param name="Losses">Cross-entropy of every step, in order.</param>
/// <param name="Accuracy">Accuracy on images drawn from the training source after training (NaN if none were drawn).</param>
/// <param name="Seconds">Wall-clock seconds of training.</param>
public sealed record FeatureCnnTrainingReport(IReadOnlyList<double> Losses, double Accuracy, double Seconds);
