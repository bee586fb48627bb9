namespace Research.Cli.Sweeps;

/// <summary>What a launch ended with.</summary>
/// <param name="Finished">Every job has ended (false when the jobs were only submitted and are still queued or running).</param>
/// <param name="Failed">The ids of the points that ended without finishing, in sweep order.</param>
public sealed record SweepLaunchResult(bool Finished, IReadOnlyList<string> Failed);
