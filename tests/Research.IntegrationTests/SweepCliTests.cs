using Research.Evaluation.Metrics;

namespace Research.IntegrationTests;

/// <summary>
/// <c>research sweep</c> end to end: the parent in-process, each point a child <c>research run-point</c>
/// process; results.csv and table.md; a re-run skips finished points and reruns only unfinished ones.
/// </summary>
[NonParallelizable]
public class SweepCliTests
{
    private string _dir = "";
    private string _experiment = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("sweep-cli-").FullName;

    private void Write(string sweep) => _experiment = TinySweep.Write(_dir, sweep);

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void Sweep_ThreePointsTwoWorkers_WritesRunFoldersResultsAndTable_ThenResumesOnlyTheUnfinishedPoint()
    {
        var runs = Path.Combine(_dir, "runs");
        // Three points: drop the T=50, seed=1 corner with a zip instead of the grid.
        Write("""{ "name": "tsweep", "zip": { "schedule.num_timesteps": [25, 25, 50], "seed": [0, 1, 0] }, "labels": { "schedule.num_timesteps": "T" } }""");
        string[] set = [];
        var (exit, output, err) = Cli.Run(["sweep", _experiment, "--runs-dir", runs, "--workers", "2", .. set]);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var sweep = Path.Combine(runs, "tsweep");
        string[] ids = ["T=25_seed=0", "T=25_seed=1", "T=50_seed=0"];
        foreach (var id in ids)
            foreach (var f in new[] { "resolved.json", "metrics.jsonl", "checkpoints/latest.safetensors", "done.json" })
                Assert.That(File.Exists(Path.Combine(sweep, id, f)), Is.True, $"{id}/{f}");
        var csv = File.ReadAllLines(Path.Combine(sweep, "results.csv"));
        Assert.That(csv, Has.Length.EqualTo(4));
        Assert.That(csv[0], Does.StartWith("point,schedule.num_timesteps,seed,sampling,nfe"));
        var table = File.ReadAllText(Path.Combine(sweep, "table.md"));
        Assert.That(table, Does.Contain("| 25 | full | 2 |").And.Contain("| 50 | full | 1 |").And.Contain("±"));

        // Interrupted point: its done.json is gone. Only it reruns, resuming from its checkpoint.
        var untouched = File.GetLastWriteTimeUtc(Path.Combine(sweep, ids[0], "done.json"));
        File.Delete(Path.Combine(sweep, ids[2], "done.json"));
        (exit, output, err) = Cli.Run(["sweep", _experiment, "--runs-dir", runs, "--workers", "2", .. set]);
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(output, Does.Contain($"skip {ids[0]} (done)").And.Contain($"skip {ids[1]} (done)").And.Contain($"run {ids[2]}"));
        Assert.That(output, Does.Not.Contain($"run {ids[0]}").And.Not.Contain($"run {ids[1]}"));
        Assert.That(File.GetLastWriteTimeUtc(Path.Combine(sweep, ids[0], "done.json")), Is.EqualTo(untouched));
        Assert.That(File.ReadAllText(Path.Combine(sweep, ids[2], "log.txt")), Does.Contain("Resumed from"));
        Assert.That(File.ReadAllLines(Path.Combine(sweep, "results.csv")), Has.Length.EqualTo(4));
    }

    [Test]
    public void Sweep_ParentKilled_WorkersStopAndRerunResumesFromCheckpoints()
    {
        Write("""{ "name": "ksweep", "zip": { "schedule.num_timesteps": [25, 50] }, "labels": { "schedule.num_timesteps": "T" } }""");
        var runs = Path.Combine(_dir, "runs");
        string[] args = ["sweep", _experiment, "--runs-dir", runs, "--workers", "2", "--set", "training.steps=1500", "--set", "training.checkpoint_every=50"];
        using (var parent = Cli.Start(args))
        {
            parent.BeginOutputReadLine();
            parent.BeginErrorReadLine();
            var ckpt = Path.Combine(runs, "ksweep", "T=25", "checkpoints", "latest.safetensors");
            var sw = System.Diagnostics.Stopwatch.StartNew();
            while (!File.Exists(ckpt) && !parent.HasExited && sw.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(50);
            Assert.That(parent.HasExited, Is.False, "the sweep finished before it could be interrupted");
            parent.Kill();
            parent.WaitForExit();
        }
        Thread.Sleep(3000); // workers notice their parent is gone within a second
        var log = Path.Combine(runs, "ksweep", "T=25", "log.txt"); // written by the worker itself
        var size = new FileInfo(log).Length;
        Thread.Sleep(1500);
        Assert.That(new FileInfo(log).Length, Is.EqualTo(size), "an orphaned worker is still writing");
        Assert.That(File.Exists(Path.Combine(runs, "ksweep", "T=25", "done.json")), Is.False);

        var (exit, output, err) = Cli.Run(args);
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(File.ReadAllText(Path.Combine(runs, "ksweep", "T=25", "log.txt")), Does.Contain("Resumed from"));
        Assert.That(File.ReadAllLines(Path.Combine(runs, "ksweep", "results.csv")), Has.Length.EqualTo(3));
    }

    [Test]
    public void Sweep_InvalidPoint_ExitsTwoNamingThePointAndRunsNothing()
    {
        var runs = Path.Combine(_dir, "runs");
        Write("""{ "grid": { "training.stepz": [1, 2] } }""");
        var (exit, _, err) = Cli.Run("sweep", _experiment, "--runs-dir", runs, "--set", "training.steps=20");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("sweep[training.stepz=1]: training.stepz"));
        Assert.That(Directory.Exists(runs), Is.False);
    }

    [Test]
    public void Sweep_RestoreFrom_TakesBackCollectedPointsWithoutTrainingAndRunsTheOthers()
    {
        // A sweep finished on one machine, its small files collected (what a study commits), the machine gone.
        Write("""{ "name": "rsweep", "seeds": [1, 2, 3] }""");
        var first = Path.Combine(_dir, "runs-first");
        var (exit, output, err) = Cli.Run("sweep", _experiment, "--runs-dir", first, "--workers", "2");
        Assert.That(exit, Is.EqualTo(0), err + output);
        var committed = Path.Combine(_dir, "committed");
        (exit, output, err) = Cli.Run("collect", Path.Combine(first, "rsweep"), "--out", committed);
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(File.Exists(Path.Combine(committed, "rsweep", "seed=1", "checkpoints", "latest.safetensors")), Is.False, "collect keeps weights out");
        // seed=2's record is tampered with (another configuration), seed=3's was never committed.
        var tampered = Path.Combine(committed, "rsweep", "seed=2", "resolved.json");
        File.WriteAllText(tampered, File.ReadAllText(tampered).Replace("\"steps\": 20", "\"steps\": 21"));
        Directory.Delete(Path.Combine(committed, "rsweep", "seed=3"), true);

        var fresh = Path.Combine(_dir, "runs-fresh");
        (exit, output, err) = Cli.Run("sweep", _experiment, "--runs-dir", fresh, "--workers", "2", "--restore-from", committed);
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(output, Does.Contain("restored seed=1 from").And.Contain("skip seed=1 (done)").And.Not.Contain("run seed=1"));
        Assert.That(output, Does.Contain("not restored seed=2:").And.Contain("differs from the point's configuration at 'training.steps'")
            .And.Contain("run seed=2").And.Contain("run seed=3"));
        var restored = Path.Combine(fresh, "rsweep", "seed=1");
        Assert.That(File.Exists(Path.Combine(restored, "checkpoints", "latest.safetensors")), Is.False, "numbers, not weights");
        // done.json rebuilt from the evaluation lines holds the rows the point's own run wrote.
        Assert.That(Rows(Path.Combine(restored, "done.json")), Is.EqualTo(Rows(Path.Combine(first, "rsweep", "seed=1", "done.json"))));
        Assert.That(File.ReadAllLines(Path.Combine(fresh, "rsweep", "results.csv")), Has.Length.EqualTo(4));
        Assert.That(WithoutTimes(Path.Combine(fresh, "rsweep", "results.csv")),
            Is.EqualTo(WithoutTimes(Path.Combine(first, "rsweep", "results.csv"))), "the same seeds give the same table (times aside)");
    }

    [Test]
    public void Sweep_RestoreFromWithoutTheSweepsFolder_ExitsTwoAndWritesNothing()
    {
        Write("""{ "name": "rsweep", "seeds": [1] }""");
        var runs = Path.Combine(_dir, "runs");
        Directory.CreateDirectory(Path.Combine(_dir, "committed", "other-sweep"));
        var (exit, _, err) = Cli.Run("sweep", _experiment, "--runs-dir", runs, "--restore-from", Path.Combine(_dir, "committed"));
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--restore-from").And.Contain("no folder rsweep/"));
        Assert.That(Directory.Exists(runs), Is.False);
    }

    // results.csv without the columns a re-run point measures again (time and memory).
    private static string[] WithoutTimes(string csv)
    {
        var lines = File.ReadAllLines(csv);
        var header = lines[0].Split(',');
        int[] cols = [Array.IndexOf(header, MetricKeys.MsPer1000), Array.IndexOf(header, MetricKeys.PeakRssMiB)];
        Assert.That(cols, Has.All.GreaterThanOrEqualTo(0), lines[0]);
        return lines.Select(l => string.Join(',', l.Split(',').Where((_, i) => !cols.Contains(i)))).ToArray();
    }

    // done.json's rows without its completion time.
    private static string Rows(string doneJson) => System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(doneJson))!["rows"]!.ToJsonString();
}
