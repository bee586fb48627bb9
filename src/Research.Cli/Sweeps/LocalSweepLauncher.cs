using System.Diagnostics;
using System.Globalization;

namespace Research.Cli.Sweeps;

/// <summary>
/// Runs sweep points as child <c>research run-point</c> processes, at most N at a time on this machine.
/// Each child's output goes to <c>logs/&lt;point&gt;.log</c> in the sweep folder; each child exits when this
/// process is gone (<c>--parent-pid</c>).
/// </summary>
/// <param name="workers">Processes at a time.</param>
public sealed class LocalSweepLauncher(int workers) : ISweepLauncher
{
    /// <inheritdoc />
    public void CheckAvailable() { }

    /// <inheritdoc />
    public SweepLaunchResult Launch(IReadOnlyList<SweepJob> jobs, string sweepFolder, Action<string> report)
    {
        var logDir = Path.Combine(sweepFolder, "logs");
        Directory.CreateDirectory(logDir);
        var failed = new HashSet<string>(StringComparer.Ordinal);
        var gate = new object();
        void Say(string line) { lock (gate) report(line); }
        var parent = Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, job =>
        {
            Say($"run {job.Id}");
            var psi = SelfInvocation.Start([.. job.Args, "--parent-pid", parent]);
            var logPath = Path.Combine(logDir, job.Id + ".log");
            using var log = new StreamWriter(logPath, append: true) { AutoFlush = true };
            var logGate = new object();
            using var p = Process.Start(psi)!;
            p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (logGate) log.WriteLine(e.Data); };
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (logGate) log.WriteLine(e.Data); };
            p.BeginOutputReadLine();
            p.BeginErrorReadLine();
            p.WaitForExit();
            if (p.ExitCode == 0) Say($"done {job.Id}");
            else
            {
                Say($"FAILED {job.Id} (exit {p.ExitCode}; see {logPath})");
                lock (gate) failed.Add(job.Id);
            }
        });
        return new SweepLaunchResult(true, jobs.Select(j => j.Id).Where(failed.Contains).ToList());
    }
}
