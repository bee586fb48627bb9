namespace Research.Training.Runs;

/// <summary>What started a run's training process, recorded in <c>run.json</c> (<see cref="RunRecord"/>).</summary>
/// <param name="CommandLine">The full command line, every <c>--set</c> included (first element: the program).</param>
/// <param name="ExperimentFile">The experiment file the configuration was read from (the run's <c>resolved.json</c> on a
/// resume, a sweep point's resolved file in a sweep), or null when there is none.</param>
/// <param name="Device">The device the run trains on (resolved: <c>cpu</c>, <c>cuda:0</c>).</param>
/// <param name="Threads">libtorch's intra-op threads.</param>
public sealed record RunStart(IReadOnlyList<string> CommandLine, string? ExperimentFile, string Device, int Threads);
