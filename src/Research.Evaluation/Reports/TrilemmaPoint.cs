namespace Research.Evaluation.Reports;

/// <summary>One point of the trilemma figure (<see cref="TrilemmaPlot"/>).</summary>
/// <param name="Result">The evaluation drawn, or for a seed group the members' means (<see cref="SeedGroup.MeanResult"/>).</param>
/// <param name="Quality">The quality metric's value at the point.</param>
/// <param name="QualitySd">Sample standard deviation of the quality over the seeds (drawn as a bar), or null for one run.</param>
/// <param name="Seeds">How many runs the point stands for.</param>
public sealed record TrilemmaPoint(RunResult Result, double Quality, double? QualitySd, int Seeds);
