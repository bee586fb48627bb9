namespace Research.Evaluation.Reports;

/// <summary>A metric on one axis of the trilemma table or plot.</summary>
/// <param name="Key">The metric key in <c>metrics.jsonl</c> (for coverage by modes: <c>modes_covered</c>).</param>
/// <param name="Label">Human-readable name with its direction, e.g. <c>FID ↓</c>.</param>
public sealed record TrilemmaAxis(string Key, string Label);
