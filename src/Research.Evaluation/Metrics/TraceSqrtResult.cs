namespace Research.Evaluation.Metrics;

/// <summary>tr (Σ₁Σ₂)^{1/2} as <see cref="FrechetDistance.TraceSqrtProduct"/> computed it.</summary>
/// <param name="Value">The real part: Σ √μ over the non-negative eigenvalues μ of Σ₁^{1/2} Σ₂ Σ₁^{1/2}.</param>
/// <param name="DiscardedImaginary">
/// Σ √|μ| over its negative eigenvalues: the imaginary part of the trace that scipy's <c>sqrtm</c> would return and
/// pytorch-fid drops. Zero in exact arithmetic; round-off leaves it tiny.
/// </param>
/// <param name="Offset">0, or the ε of the ε·I added to both covariances when the first attempt failed (scipy semantics).</param>
public sealed record TraceSqrtResult(double Value, double DiscardedImaginary, double Offset);
