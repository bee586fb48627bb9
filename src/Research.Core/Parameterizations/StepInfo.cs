using static TorchSharp.torch;

namespace Research.Core.Parameterizations;

/// <summary>What a parameterization may know about the current training step.</summary>
/// <param name="Step">0-based global step (one step = every loss term of one batch).</param>
/// <param name="Generator">The run's training generator: the only source of randomness for noise, t and z.</param>
public sealed record StepInfo(long Step, Generator Generator);
