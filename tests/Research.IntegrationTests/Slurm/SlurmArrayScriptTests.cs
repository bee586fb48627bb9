using System.Diagnostics;
using Research.Cli;
using Research.Cli.Commands;
using Research.Cli.Sweeps;
using Research.Core.Configuration;
using Research.Training.Experiments;

namespace Research.IntegrationTests.Slurm;

/// <summary>
/// The Slurm launcher's pieces that need no Slurm: the job-array script and its manifest (array size, index → point
/// mapping, resume skipping finished points, the script's own lookup run by bash), the parsing of sbatch, squeue,
/// sacct and scontrol output, and the command line's checks (missing sbatch, misplaced options).
/// </summary>
[NonParallelizable] // one test changes PATH for the in-process command line
public class SlurmArrayScriptTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("slurm-script-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private string Sweep => Path.Combine(_dir, "runs", "tsweep");

    private SweepJob Job(string id) => new(id, Path.Combine(Sweep, id), ["run-point", Path.Combine(Sweep, ".points", id + ".json"), "--folder", Path.Combine(Sweep, id)]);

    private static readonly string[] Command = ["/opt/dotnet/dotnet", "/opt/research/research.dll"];

    [Test]
    public void Create_ThreeJobs_ArrayHasThreeTasksAndManifestMapsEachIndexToItsPoint()
    {
        SweepJob[] jobs = [Job("T=25_seed=0"), Job("T=25_seed=1"), Job("T=50_seed=0")];
        var script = SlurmArrayScript.Create(Sweep, jobs, new SlurmOptions(), Command, "/work");
        script.Write();

        Assert.That(script.ScriptPath, Is.EqualTo(Path.Combine(Sweep, "slurm", "array.sbatch")));
        Assert.That(Path.GetDirectoryName(script.ManifestPath), Is.EqualTo(Path.GetDirectoryName(script.ScriptPath)), "manifest next to the script");
        var text = File.ReadAllText(script.ScriptPath);
        Assert.That(text, Does.StartWith("#!/bin/bash\n"));
        Assert.That(text, Does.Contain("#SBATCH --array=0-2\n").And.Contain("#SBATCH --job-name=research-tsweep\n")
            .And.Contain($"#SBATCH --output={Path.Combine(Sweep, "logs", "slurm-%A_%a.out")}\n")
            .And.Contain($"#SBATCH --error={Path.Combine(Sweep, "logs", "slurm-%A_%a.err")}\n")
            .And.Contain("#SBATCH --chdir=/work\n")
            .And.Contain("exec '/opt/dotnet/dotnet' '/opt/research/research.dll' \"${fields[@]:2}\""));
        Assert.That(text, Does.Not.Contain("--partition").And.Not.Contain("--time").And.Not.Contain("--mem"));

        var manifest = SlurmArrayScript.ReadManifest(script.ManifestPath);
        Assert.That(manifest.Select(t => t.Index), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(manifest.Select(t => t.Point), Is.EqualTo(jobs.Select(j => j.Id)));
        for (var i = 0; i < jobs.Length; i++) Assert.That(manifest[i].Args, Is.EqualTo(jobs[i].Args), $"task {i}");
    }

    [Test]
    public void Create_ResourceOptionsAndExtraArgs_WritesOneDirectiveEach_QuotingValuesWithBlanks()
    {
        var options = new SlurmOptions { Partition = "gpu", Time = "02:00:00", CpusPerTask = 4, Mem = "8G", ExtraArgs = ["--qos=short", "--comment=a b", "--exclusive"] };
        var text = SlurmArrayScript.Create(Sweep, [Job("a")], options, Command, "/work").Script;
        Assert.That(text, Does.Contain("#SBATCH --array=0-0\n").And.Contain("#SBATCH --partition=gpu\n").And.Contain("#SBATCH --time=02:00:00\n")
            .And.Contain("#SBATCH --cpus-per-task=4\n").And.Contain("#SBATCH --mem=8G\n").And.Contain("#SBATCH --qos=short\n")
            .And.Contain("#SBATCH --comment=\"a b\"\n").And.Contain("#SBATCH --exclusive\n"));
        // sbatch stops reading directives at the first command: every #SBATCH line comes before it.
        var lines = text.Split('\n');
        Assert.That(Array.FindLastIndex(lines, l => l.StartsWith("#SBATCH", StringComparison.Ordinal)),
            Is.LessThan(Array.FindIndex(lines, l => l.Length > 0 && !l.StartsWith('#'))));
    }

    [Test]
    public void Create_ValueWithLineBreakOrTab_IsAUsageError()
    {
        Assert.That(() => SlurmArrayScript.Create(Sweep, [Job("a")], new SlurmOptions { Partition = "a\nb" }, Command, "/work"), Throws.TypeOf<UsageException>());
        Assert.That(() => SlurmArrayScript.Create(Sweep, [new SweepJob("a", "/x", ["run-point", "has\ttab"])], new SlurmOptions(), Command, "/work"),
            Throws.TypeOf<UsageException>());
        Assert.That(() => SlurmArrayScript.Create(Sweep, [], new SlurmOptions(), Command, "/work"), Throws.ArgumentException);
    }

    [Test]
    public void PendingJobs_OnePointFinished_ArrayCoversOnlyTheOtherTwoInSweepOrder()
    {
        var plan = LoadTinySweep();
        string[] ids = ["T=25_seed=0", "T=25_seed=1", "T=50_seed=0"];
        Assert.That(plan.Points.Select(p => p.Id), Is.EqualTo(ids));
        var finished = Path.Combine(Sweep, ids[1]);
        Directory.CreateDirectory(finished);
        new SweepPointResult(ids[1], []).Write(finished);

        var report = new List<string>();
        var jobs = SweepCommand.PendingJobs(plan, Sweep, "/data", report.Add);
        var script = SlurmArrayScript.Create(Sweep, jobs, new SlurmOptions(), Command, "/work");
        script.Write();

        Assert.That(report, Is.EqualTo(new[] { $"skip {ids[1]} (done)" }));
        Assert.That(script.Script, Does.Contain("#SBATCH --array=0-1\n"));
        var manifest = SlurmArrayScript.ReadManifest(script.ManifestPath);
        Assert.That(manifest.Select(t => (t.Index, t.Point)), Is.EqualTo(new[] { (0, ids[0]), (1, ids[2]) }));
        Assert.That(manifest[1].Args, Is.EqualTo(new[]
        {
            "run-point", Path.Combine(Sweep, ".points", ids[2] + ".json"), "--folder", Path.Combine(Sweep, ids[2]), "--data-root", "/data",
        }));
        Assert.That(File.ReadAllText(Path.Combine(Sweep, ".points", ids[2] + ".json")), Does.Contain("\"num_timesteps\": 50"));
        Assert.That(File.Exists(Path.Combine(Sweep, ".points", ids[1] + ".json")), Is.False, "a finished point gets no resolved file");
    }

    [Test]
    public void Script_RunByBashAsTaskOne_ExecutesTheCommandWithTheSecondManifestLinesArguments()
    {
        var bash = SelfInvocation.FindOnPath("bash");
        var printf = SelfInvocation.FindOnPath("printf");
        if (bash is null || printf is null) Assert.Ignore("needs bash and printf on PATH");
        SweepJob[] jobs = [Job("first"), new SweepJob("second", "/x", ["run-point", "/path with space/p.json", "--folder", "it's"]), Job("third")];
        var script = SlurmArrayScript.Create(Sweep, jobs, new SlurmOptions(), [printf!, "<%s>\n"], _dir);
        script.Write();

        var psi = new ProcessStartInfo(bash!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script.ScriptPath);
        psi.Environment["SLURM_ARRAY_TASK_ID"] = "1";
        psi.Environment["SLURM_ARRAY_JOB_ID"] = "77";
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();

        Assert.That(p.ExitCode, Is.EqualTo(0), err);
        Assert.That(output, Does.StartWith("research sweep: task 1 of array job 77 runs point second on "));
        Assert.That(output, Does.EndWith("\n<run-point>\n</path with space/p.json>\n<--folder>\n<it's>\n"));
    }

    [Test]
    public void Parsers_RealSlurmOutput_GiveJobIdAndTaskStates()
    {
        Assert.That(SlurmCommands.ParseSubmittedJobId("5\n"), Is.EqualTo("5"));
        Assert.That(SlurmCommands.ParseSubmittedJobId("123;cluster\n"), Is.EqualTo("123"));
        Assert.That(SlurmCommands.ParseSubmittedJobId("sbatch: error\n"), Is.Null);

        var queue = SlurmCommands.ParseSqueue("0|RUNNING\n1|RUNNING\n2|PENDING\n");
        Assert.That(queue, Is.EqualTo(new Dictionary<int, string> { [0] = "RUNNING", [1] = "RUNNING", [2] = "PENDING" }));
        Assert.That(SlurmCommands.ParseSqueue("3-9|PENDING\n"), Is.Empty, "an unexpanded range is not one task");
        Assert.That(SlurmCommands.IsActive("PENDING") && SlurmCommands.IsActive("COMPLETING"), Is.True);
        Assert.That(SlurmCommands.IsActive("COMPLETED") || SlurmCommands.IsActive("FAILED") || SlurmCommands.IsActive("TIMEOUT"), Is.False);

        var sacct = SlurmCommands.ParseSacct("12_0|COMPLETED|0:0\n12_1|FAILED|1:0\n12_2|CANCELLED by 0|0:15\n12_[3-4]|PENDING|0:0\n", "12");
        Assert.That(sacct[0], Is.EqualTo(("COMPLETED", "0:0")));
        Assert.That(sacct[1], Is.EqualTo(("FAILED", "1:0")));
        Assert.That(sacct[2], Is.EqualTo(("CANCELLED", "0:15")));
        Assert.That(sacct, Has.Count.EqualTo(3));
        Assert.That(SlurmCommands.ParseSacct("Slurm accounting storage is disabled\n", "12"), Is.Empty);

        var scontrol = SlurmCommands.ParseScontrol(
            "JobId=8 ArrayJobId=8 ArrayTaskId=0 JobName=research-tsweep UserId=root(0) JobState=FAILED Reason=NonZeroExitCode Dependency=(null) ExitCode=2:0\n" +
            "JobId=10 ArrayJobId=9 ArrayTaskId=1 JobState=COMPLETED ExitCode=0:0\n", "8");
        Assert.That(scontrol, Is.EqualTo(new Dictionary<int, (string, string)> { [0] = ("FAILED", "2:0") }));
    }

    [Test]
    public void Sweep_SlurmWithoutSbatchOnPath_ExitsTwoSayingWhyAndWritesNothing()
    {
        var experiment = WriteTinyExperiment();
        var path = Environment.GetEnvironmentVariable("PATH");
        try
        {
            Environment.SetEnvironmentVariable("PATH", Path.Combine(_dir, "empty-bin"));
            var (exit, _, err) = Cli.Run("sweep", experiment, "--runs-dir", Path.Combine(_dir, "runs"), "--launcher", "slurm");
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(err, Does.Contain("'sbatch' is not on PATH").And.Contain("start-local-slurm.sh"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
        Assert.That(Directory.Exists(Path.Combine(_dir, "runs")), Is.False);
    }

    [TestCase("--partition", "debug")]
    [TestCase("--no-wait")]
    [TestCase("--slurm-arg=--qos=short")]
    public void Sweep_SlurmOptionWithLocalLauncher_ExitsTwo(params string[] option)
    {
        var (exit, _, err) = Cli.Run(["sweep", WriteTinyExperiment(), "--runs-dir", Path.Combine(_dir, "runs"), .. option]);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("applies to --launcher slurm only"));
        Assert.That(Directory.Exists(Path.Combine(_dir, "runs")), Is.False);
    }

    [Test]
    public void Sweep_WorkersWithSlurmLauncher_ExitsTwo()
    {
        var (exit, _, err) = Cli.Run("sweep", WriteTinyExperiment(), "--runs-dir", Path.Combine(_dir, "runs"), "--launcher", "slurm", "--workers", "2");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--workers applies to --launcher local"));
    }

    private SweepPlan LoadTinySweep()
    {
        var experiment = WriteTinyExperiment();
        using var services = Services.Build(experiment);
        return SweepLoader.Load(experiment, [], services.Registry());
    }

    private string WriteTinyExperiment() => SlurmTestSweep.Write(_dir);
}
