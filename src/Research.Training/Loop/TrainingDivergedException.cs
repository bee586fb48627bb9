namespace Research.Training.Loop;

/// <summary>The run stopped because too many consecutive steps were not finite (NaN/Inf).</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
