namespace Research.Evaluation.Metrics;

/// <summary>Improved precision and recall of a generated set against a real set.</summary>
/// <param name="Precision">Fraction of generated samples inside the real manifold estimate (quality).</param>
/// <param name="Recall">Fraction of real samples inside the generated manifold estimate (coverage).</param>
/// <param name="K">Neighbourhood size used for the radii.</param>
/// <param name="RealCount">Real feature vectors used.</param>
/// <param name="GeneratedCount">Generated feature vectors used.</param>
public sealed record PrecisionRecallResult(double Precision, double Recall, int K, long RealCount, long GeneratedCount);
