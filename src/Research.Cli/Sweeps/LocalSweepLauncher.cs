using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Research.Training.Progress;
using Research.Training.Runs;

namespace Research.Cli.Sweeps;

/// <summary>
/// Runs sweep points as child <c>research run-point</c> processes, at most N at a time on this machine, each free worker
/// taking the next point in sweep order (<see cref="WorkQueue"/>).
/// Each child's output goes to <c>logs/&lt;point&gt;.log</c> in the sweep folder; each child exits when this
/// process is gone (<c>--parent-pid</c>). Shows the points done of all (<see cref="Progress"/>). At the first SIGINT/SIGTERM
/// (<see cref="Interruption"/>) no further point starts and each running worker gets SIGTERM: it finishes its step, writes a
/// checkpoint and exits (130), so re-running the sweep resumes every point; a second signal kills the workers at once.
/// </summary>
/// <param name="workers">Processes at a time.</param>
public sealed class LocalSweepLauncher(int workers) : ISweepLauncher
{
    /// <inheritdoc />
    public void CheckAvailable() { }

    /// <summary>Processes at a time.</summary>
    public int Workers => workers;

    /// <summary>Shows points done of all (none by default).</summary>
    public IProgressSink Progress { get; init; } = IProgressSink.None;

    /// <summary>What the progress bar counts, e.g. <c>sweep fashion-trilemma (points)</c>; default: the sweep folder's points.</summary>
    public string? ProgressLabel { get; init; }

    /// <summary>The process's signal handling; null: none.</summary>
    public Interruption? Interruption { get; init; }

    /// <inheritdoc />
    /// <exception cref="OperationCanceledException">A signal stopped the sweep (its running points have checkpoints).</exception>
    public SweepLaunchResult Launch(IReadOnlyList<SweepJob> jobs, string sweepFolder, Action<string> report)
    {
        var logDir = Path.Combine(sweepFolder, "logs");
        Directory.CreateDirectory(logDir);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var gate = new object();
        void Say(string line) { lock (gate) report(line); }
        var parent = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        var running = new ConcurrentDictionary<string, Process>(StringComparer.Ordinal);
        var cancel = Interruption?.Token ?? CancellationToken.None;
        using var forward = cancel.Register(() => { foreach (var p in running.Values) Terminate(p); });
        void KillAll() { foreach (var p in running.Values) Kill(p); }
        if (Interruption is not null) Interruption.Exiting += KillAll;
        int done = 0;
        Progress.Start(ProgressLabel ?? $"sweep {Path.GetFileName(sweepFolder)} (points)", jobs.Count);
        try
        {
            WorkQueue.Run(jobs, workers, cancel, job =>
            {
                Say($"run {job.Id}");
                var psi = SelfInvocation.Start([.. job.Args, "--parent-pid", parent]);
                var logPath = Path.Combine(logDir, job.Id + ".log");
                using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
                var logGate = new object();
                using var p = Process.Start(psi)!;
                running[job.Id] = p;
                if (cancel.IsCancellationRequested) Terminate(p);   // started as the signal came
                p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (logGate) log.WriteLine(e.Data); };
                p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (logGate) log.WriteLine(e.Data); };
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                p.WaitForExit();
                running.TryRemove(job.Id, out _);
                if (p.ExitCode == Interruption.ExitCode && cancel.IsCancellationRequested)
                {
                    // Not an ended point: the bar counts only points that finished or failed.
                    Say($"interrupted {job.Id} (checkpoint written; re-run to resume)");
                    return;
                }
                if (p.ExitCode == 0) Say($"done {job.Id}");
                else
                {
                    Say($"FAILED {job.Id} (exit {p.ExitCode}; see {logPath})");
                    lock (gate) failed.Add(job.Id);
                }
                Progress.Advance(Interlocked.Increment(ref done));
            });
        }
        finally
        {
            if (Interruption is not null) Interruption.Exiting -= KillAll;
            Progress.Stop();
        }
        cancel.ThrowIfCancellationRequested();   // a signal after the last point started: the workers stopped with a checkpoint
        return new SweepLaunchResult(true, jobs.Select(j => j.Id).Where(failed.Contains).ToList());
    }

    // SIGTERM to a worker: it stops after its current step with a checkpoint (.NET sends only SIGKILL itself).
    private static void Terminate(Process p)
    {
        try
        {
            if (p.HasExited) return;
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            kill?.WaitForExit();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone already, or no kill command: the worker's own parent watch ends it.
        }
    }

    private static void Kill(Process p)
    {
        try
        {
            p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Gone already.
        }
    }
}
