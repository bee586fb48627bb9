using System.Diagnostics;

namespace Research.Cli.Commands;

/// <summary>
/// Runs sweep points as child <c>research run-point</c> processes, at most N at a time on this machine.
/// Each child's output goes to <c>logs/&lt;point&gt;.log</c> in the sweep folder.
/// </summary>
public static class SweepWorkers
{
    /// <summary>Runs every job; returns the ids whose process failed.</summary>
    /// <param name="jobs">(point id, arguments after the executable).</param>
    /// <param name="workers">Processes at a time.</param>
    /// <param name="logDir">Receives one log per point.</param>
    /// <param name="report">Called (serialized) with a line per start and finish.</param>
    public static List<string> Run(IReadOnlyList<(string Id, string[] Args)> jobs, int workers, string logDir, Action<string> report)
    {
        Directory.CreateDirectory(logDir);
        var failed = new List<string>();
        var gate = new object();
        void Say(string line) { lock (gate) report(line); }
        Parallel.ForEach(jobs, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers) }, job =>
        {
            Say($"run {job.Id}");
            var psi = Start(job.Args);
            using var log = new StreamWriter(Path.Combine(logDir, job.Id + ".log"), append: true) { AutoFlush = true };
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
                Say($"FAILED {job.Id} (exit {p.ExitCode}; see {Path.Combine(logDir, job.Id + ".log")})");
                lock (gate) failed.Add(job.Id);
            }
        });
        return failed;
    }

    /// <summary>
    /// The command that runs <c>research</c> itself: the <c>research.dll</c> next to this assembly under the
    /// current dotnet host (works from the apphost, <c>dotnet research.dll</c> and the test host alike).
    /// </summary>
    private static ProcessStartInfo Start(string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "research.dll");
        var self = Environment.ProcessPath;
        var host = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CI"] = "1";
        return psi;
    }
}
