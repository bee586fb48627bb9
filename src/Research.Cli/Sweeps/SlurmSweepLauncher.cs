using Research.Cli.Commands;
using Research.Core.IO;

namespace Research.Cli.Sweeps;

/// <summary>
/// Runs a sweep's pending points as one Slurm job array: writes <see cref="SlurmArrayScript"/> (script + manifest)
/// into <c>&lt;sweep&gt;/slurm/</c>, submits it with <c>sbatch --parsable</c>, then (unless told not to wait) polls
/// <c>squeue</c> until every task has ended and reports each task's state (<c>sacct</c>, or <c>scontrol</c> without
/// an accounting database). A point failed when its <c>done.json</c> is missing, whatever Slurm says.
/// </summary>
/// <remarks>
/// The id of the submitted array is kept in <c>slurm/job-id</c>. A launch that finds that array still queued or
/// running submits nothing and waits for it instead, so two arrays never write into the same point folders.
/// </remarks>
/// <param name="options">Resources, extra sbatch options, waiting.</param>
public sealed class SlurmSweepLauncher(SlurmOptions options) : ISweepLauncher
{
    private const int MaxPollFailures = 30;

    /// <inheritdoc />
    public void CheckAvailable()
    {
        foreach (var command in options.Wait ? new[] { "sbatch", "squeue" } : ["sbatch"])
            if (SelfInvocation.FindOnPath(command) is null)
                throw new UsageException($"--launcher slurm: '{command}' is not on PATH; run this on a Slurm login node " +
                    "(or, for a single-node Slurm on this machine, run tests/slurm/start-local-slurm.sh as root)");
    }

    /// <inheritdoc />
    public SweepLaunchResult Launch(IReadOnlyList<SweepJob> jobs, string sweepFolder, Action<string> report)
    {
        if (ActiveEarlierJob(sweepFolder) is { } earlier)
        {
            report($"slurm: array job {earlier} from an earlier launch is still queued or running; submitting nothing new");
            var tasks = SlurmArrayScript.ReadManifest(SlurmArrayScript.ManifestPathOf(sweepFolder))
                .Select(t => (t.Index, Job: jobs.FirstOrDefault(j => j.Id == t.Point))).ToList();
            return Follow(earlier, sweepFolder, tasks.Where(t => t.Job is not null).Select(t => (t.Index, t.Job!)).ToList(), jobs, report);
        }
        if (jobs.Count == 0)
        {
            report("slurm: every point has finished; nothing to submit");
            return new SweepLaunchResult(true, []);
        }
        var script = SlurmArrayScript.Create(sweepFolder, jobs, options, SelfInvocation.Command(), Environment.CurrentDirectory);
        script.Write();
        report($"slurm: wrote {script.ScriptPath} ({jobs.Count} array task(s); manifest {script.ManifestPath})");
        var (exit, output, err) = SlurmCommands.Run("sbatch", "--parsable", script.ScriptPath);
        var jobId = exit == 0 ? SlurmCommands.ParseSubmittedJobId(output) : null;
        if (jobId is null)
            throw new UsageException($"sbatch refused the array job (exit {exit}): {(err + output).Trim()}; the script is {script.ScriptPath}");
        AtomicFile.WriteAllText(SlurmArrayScript.JobIdPathOf(sweepFolder), jobId + "\n");
        report($"slurm: submitted array job {jobId} (tasks 0-{jobs.Count - 1}; logs {Path.Combine(script.LogFolder, $"slurm-{jobId}_<task>.out|.err")})");
        return Follow(jobId, sweepFolder, jobs.Select((j, i) => (i, j)).ToList(), jobs, report);
    }

    private SweepLaunchResult Follow(string jobId, string sweepFolder, IReadOnlyList<(int Index, SweepJob Job)> tasks,
        IReadOnlyList<SweepJob> jobs, Action<string> report)
    {
        if (!options.Wait)
        {
            report($"slurm: not waiting (--no-wait). Follow it with 'squeue -j {jobId}'; run the same command again to wait for it and write the table");
            return new SweepLaunchResult(false, []);
        }
        Wait(jobId, report);
        var states = FinalStates(jobId);
        foreach (var (index, job) in tasks)
        {
            var (state, code) = states.TryGetValue(index, out var s) ? s : ("UNKNOWN", "?");
            if (job.IsDone) report($"done {job.Id} (slurm task {jobId}_{index}: {state}, exit {code})");
            else
                report($"FAILED {job.Id} (slurm task {jobId}_{index}: {state}, exit {code}; see {SlurmArrayScript.OutputLogOf(sweepFolder, jobId, index)} " +
                    $"and {SlurmArrayScript.ErrorLogOf(sweepFolder, jobId, index)})");
        }
        return new SweepLaunchResult(true, jobs.Where(j => !j.IsDone).Select(j => j.Id).ToList());
    }

    // Polls squeue until no task of the array is pending or running; reports the counts per state when they change.
    private void Wait(string jobId, Action<string> report)
    {
        var last = "";
        var failures = 0;
        while (true)
        {
            var (exit, output, err) = SlurmCommands.Run("squeue", "-h", "-r", "-j", jobId, "-o", "%K|%T");
            if (exit != 0 && !IsUnknownJob(err))
            {
                if (++failures >= MaxPollFailures) throw new InvalidOperationException($"squeue failed {failures} times in a row: {err.Trim()}");
                if (failures == 1) report($"slurm: squeue failed (exit {exit}: {err.Trim()}); retrying");
                Thread.Sleep(options.PollInterval);
                continue;
            }
            failures = 0;
            var active = exit == 0 ? SlurmCommands.ParseSqueue(output).Where(t => SlurmCommands.IsActive(t.Value)).ToList() : [];
            if (active.Count == 0) return;
            var summary = string.Join(", ", active.GroupBy(t => t.Value, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => $"{g.Count()} {g.Key.ToLowerInvariant()}"));
            if (summary != last) report($"slurm: job {jobId}: {summary}");
            last = summary;
            Thread.Sleep(options.PollInterval);
        }
    }

    // Task states after the array ended: sacct when the cluster keeps accounting, else scontrol (recent jobs only).
    private static Dictionary<int, (string State, string Exit)> FinalStates(string jobId)
    {
        if (SelfInvocation.FindOnPath("sacct") is not null)
        {
            var (exit, output, _) = SlurmCommands.Run("sacct", "-n", "-P", "-X", "-j", jobId, "-o", "JobID,State,ExitCode");
            var states = exit == 0 ? SlurmCommands.ParseSacct(output, jobId) : [];
            if (states.Count > 0) return states;
        }
        if (SelfInvocation.FindOnPath("scontrol") is not null)
        {
            var (exit, output, _) = SlurmCommands.Run("scontrol", "-o", "show", "job", jobId);
            if (exit == 0) return SlurmCommands.ParseScontrol(output, jobId);
        }
        return [];
    }

    // The job recorded by an earlier launch, when it still has a task that has not ended.
    private static string? ActiveEarlierJob(string sweepFolder)
    {
        var path = SlurmArrayScript.JobIdPathOf(sweepFolder);
        if (!File.Exists(path) || !File.Exists(SlurmArrayScript.ManifestPathOf(sweepFolder))) return null;
        var jobId = File.ReadAllText(path).Trim();
        if (SelfInvocation.FindOnPath("squeue") is null) return null;
        var (exit, output, _) = SlurmCommands.Run("squeue", "-h", "-r", "-j", jobId, "-o", "%K|%T");
        return exit == 0 && SlurmCommands.ParseSqueue(output).Values.Any(SlurmCommands.IsActive) ? jobId : null;
    }

    private static bool IsUnknownJob(string stderr) => stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase);
}
