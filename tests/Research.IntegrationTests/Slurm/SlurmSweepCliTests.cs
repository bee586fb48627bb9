using System.Diagnostics;
using Research.Cli.Sweeps;

namespace Research.IntegrationTests.Slurm;

/// <summary>
/// <c>research sweep --launcher slurm</c> end to end against a real Slurm (e.g. the single-node one of
/// <c>tests/slurm/start-local-slurm.sh</c>): one array task per pending point, per-task logs, results.csv and
/// table.md as with the local launcher, a re-run that submits nothing, and a failed task reported with its logs.
/// Ignored, never installing anything, when Slurm's commands are missing or its controller does not answer.
/// </summary>
[Category("Slurm")]
[NonParallelizable]
public class SlurmSweepCliTests
{
    private static readonly TimeSpan SweepTimeout = TimeSpan.FromMinutes(5);
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        RequireSlurm();
        _dir = Directory.CreateTempSubdirectory("slurm-sweep-").FullName;
    }

    [TearDown]
    public void TearDown()
    {
        if (_dir.Length > 0) Directory.Delete(_dir, true);
    }

    [Test]
    public void Sweep_SlurmThreePoints_RunsOneArrayTaskPerPointAggregates_ThenReportsAFailedTaskWithItsLogs()
    {
        var experiment = SlurmTestSweep.Write(_dir);
        var runs = Path.Combine(_dir, "runs");
        var sweep = Path.Combine(runs, "tsweep");
        string[] args = ["sweep", experiment, "--runs-dir", runs, "--launcher", "slurm", "--poll-seconds", "1"];
        var ids = SlurmTestSweep.Ids;

        var (exit, output, err) = RunSweep(args, sweep);
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(output, Does.Contain("slurm: submitted array job ").And.Contain("(tasks 0-2;"));
        var jobId = File.ReadAllText(Path.Combine(sweep, "slurm", "job-id")).Trim();
        Assert.That(SlurmArrayScript.ReadManifest(Path.Combine(sweep, "slurm", "manifest.tsv")).Select(t => t.Point), Is.EqualTo(ids));
        for (var i = 0; i < ids.Length; i++)
        {
            Assert.That(output, Does.Contain($"done {ids[i]} (slurm task {jobId}_{i}: COMPLETED, exit 0:0)"));
            foreach (var f in new[] { "resolved.json", "metrics.jsonl", "checkpoints/latest.safetensors", "done.json" })
                Assert.That(File.Exists(Path.Combine(sweep, ids[i], f)), Is.True, $"{ids[i]}/{f}");
            Assert.That(File.ReadAllText(Path.Combine(sweep, "logs", $"slurm-{jobId}_{i}.out")),
                Does.Contain($"task {i} of array job {jobId} runs point {ids[i]}").And.Contain($"point {ids[i]}: done"));
        }
        var csv = File.ReadAllLines(Path.Combine(sweep, "results.csv"));
        Assert.That(csv, Has.Length.EqualTo(4));
        Assert.That(csv[0], Does.StartWith("point,schedule.num_timesteps,seed,sampling,nfe"));
        var table = File.ReadAllText(Path.Combine(sweep, "table.md"));
        Assert.That(table, Does.Contain("3 of 3 points finished").And.Contain("| 25 | full | 2 |").And.Contain("| 50 | full | 1 |"));
        Assert.That(output, Does.Contain("| 25 | full | 2 |"), "the table is printed too");

        // Everything finished: nothing is submitted, the table is written again.
        (exit, output, err) = RunSweep(args, sweep);
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(output, Does.Contain("slurm: every point has finished; nothing to submit").And.Not.Contain("submitted"));
        Assert.That(File.ReadAllText(Path.Combine(sweep, "slurm", "job-id")).Trim(), Is.EqualTo(jobId));

        // A point whose done.json is gone and whose checkpoint is unreadable: only it is submitted, and it fails.
        File.Delete(Path.Combine(sweep, ids[2], "done.json"));
        File.WriteAllText(Path.Combine(sweep, ids[2], "checkpoints", "latest.safetensors"), "not a checkpoint");
        (exit, output, err) = RunSweep(args, sweep);
        Assert.That(exit, Is.EqualTo(1), err + output);
        Assert.That(output, Does.Contain($"skip {ids[0]} (done)").And.Contain($"skip {ids[1]} (done)").And.Contain("(tasks 0-0;"));
        var failedJob = File.ReadAllText(Path.Combine(sweep, "slurm", "job-id")).Trim();
        var outLog = Path.Combine(sweep, "logs", $"slurm-{failedJob}_0.out");
        var errLog = Path.Combine(sweep, "logs", $"slurm-{failedJob}_0.err");
        Assert.That(output, Does.Contain($"FAILED {ids[2]} (slurm task {failedJob}_0: FAILED, exit ").And.Contain($"see {outLog} and {errLog})"));
        Assert.That(File.Exists(outLog) && File.Exists(errLog), Is.True);
        Assert.That(err, Does.Contain($"1 point(s) failed: {ids[2]}"));
        Assert.That(File.ReadAllLines(Path.Combine(sweep, "results.csv")), Has.Length.EqualTo(3), "the two finished points are still tabled");
    }

    // Runs the command line in-process; past the timeout, cancels the array so the wait returns, then fails.
    private static (int Exit, string Out, string Err) RunSweep(string[] args, string sweep)
    {
        var run = Task.Run(() => Cli.Run(args));
        if (run.Wait(SweepTimeout)) return run.Result;
        var jobId = Path.Combine(sweep, "slurm", "job-id");
        if (File.Exists(jobId)) Run("scancel", [File.ReadAllText(jobId).Trim()], TimeSpan.FromSeconds(30));
        run.Wait(TimeSpan.FromSeconds(60));
        Assert.Fail($"the Slurm sweep did not finish within {SweepTimeout}; its array was cancelled (is the node taking jobs? 'sinfo')");
        return default;
    }

    private static void RequireSlurm()
    {
        const string hint = "run tests/slurm/start-local-slurm.sh as root for a single-node Slurm";
        foreach (var command in new[] { "sbatch", "squeue", "sinfo", "scancel" })
            if (SelfInvocation.FindOnPath(command) is null) Assert.Ignore($"Slurm not installed ('{command}' is not on PATH): {hint}");
        var (exit, output, err) = Run("sinfo", ["-h", "-o", "%T"], TimeSpan.FromSeconds(30));
        if (exit != 0) Assert.Ignore($"the Slurm controller does not answer (sinfo: exit {exit} {err.Trim()}): {hint}");
        var states = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (!states.Any(s => s is "idle" or "mixed" or "allocated" or "completing"))
            Assert.Ignore($"no Slurm node takes jobs (sinfo states: {string.Join(", ", states)}): {hint}");
    }

    private static (int Exit, string Out, string Err) Run(string command, string[] args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var err = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(true);
            return (-1, "", $"timed out after {timeout.TotalSeconds:0} s");
        }
        return (p.ExitCode, output.Result, err.Result);
    }
}
