namespace Research.Cli.Sweeps;

/// <summary>
/// Runs a sweep's pending points somewhere: <see cref="LocalSweepLauncher"/> as worker processes on this machine,
/// <see cref="SlurmSweepLauncher"/> as a Slurm job array. Expanding, skipping finished points and aggregating stay
/// in <c>research sweep</c>, so another scheduler is one more implementation.
/// </summary>
public interface ISweepLauncher
{
    /// <summary>
    /// Checks, before anything is written, that this launcher can run here (e.g. the scheduler's commands exist);
    /// throws <see cref="Commands.UsageException"/> when not.
    /// </summary>
    void CheckAvailable();

    /// <summary>Runs (or submits) every job; reports progress lines through <paramref name="report"/>.</summary>
    /// <param name="jobs">The pending points, in sweep order.</param>
    /// <param name="sweepFolder">The sweep's folder (absolute); launchers write logs and scripts below it.</param>
    /// <param name="report">Receives one line per event; the launcher never calls it from two threads at once.</param>
    SweepLaunchResult Launch(IReadOnlyList<SweepJob> jobs, string sweepFolder, Action<string> report);
}
