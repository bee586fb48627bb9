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

    private void Write(string sweep)
    {
        _experiment = Path.Combine(_dir, "tiny.json");
        File.WriteAllText(_experiment, """
        {
          "name": "tiny-sweep", "device": "cpu", "threads": 1,
          "data": { "type": "gaussian-grid", "options": { "num_per_mode": 40 } },
          "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
          "schedule": { "type": "linear", "num_timesteps": 50 },
          "parameterization": { "type": "ddpm-eps" },
          "training": { "steps": 20, "batch_size": 32, "log_every": 10, "checkpoint_every": 10, "lr_schedule": "constant" },
          "sampling": [ { "label": "full", "num_samples": 100 } ],
          "evaluation": { "mmd_points": 50, "plot": false },
          "sweep": SWEEP
        }
        """.Replace("SWEEP", sweep));
    }

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
    public void Sweep_InvalidPoint_ExitsTwoNamingThePointAndRunsNothing()
    {
        var runs = Path.Combine(_dir, "runs");
        Write("""{ "grid": { "training.stepz": [1, 2] } }""");
        var (exit, _, err) = Cli.Run("sweep", _experiment, "--runs-dir", runs, "--set", "training.steps=20");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("sweep[training.stepz=1]: training.stepz"));
        Assert.That(Directory.Exists(runs), Is.False);
    }
}
