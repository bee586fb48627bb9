namespace Research.Training.Experiments;

/// <summary>One evaluated sampling request of one run: a row of the comparison table.</summary>
/// <param name="Method">Variant or family name.</param>
/// <param name="Sampling">The sampling request's label.</param>
/// <param name="Nfe">Network evaluations per sample.</param>
/// <param name="MsPer1000">Wall-clock milliseconds per 1,000 samples (median over repeats, after a warm-up).</param>
/// <param name="Metrics">Named metric values (e.g. <c>modes_covered</c>, <c>high_quality_pct</c>, <c>frechet</c>, <c>mmd</c>).</param>
public sealed record ResultRow(string Method, string Sampling, int Nfe, double MsPer1000, IReadOnlyDictionary<string, object> Metrics);
