using System.Diagnostics;
using System.Security.Cryptography;
using Research.Core.IO;

namespace Research.IntegrationTests;

/// <summary>
/// No silent damage to run folders (issue 24): a resume without <c>latest.safetensors</c> never trains over the run's
/// history, a second writer of one folder is refused while readers still work, and a diverged model's results are
/// written (as non-finite) instead of lost at the very end.
/// </summary>
[NonParallelizable]
public class RunFolderSafetyTests
{
    private string _dir = "";
    private string _experiment = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("runfolder-").FullName;
        _experiment = Path.Combine(_dir, "tiny.json");
        File.WriteAllText(_experiment, """
        {
          "name": "tiny",
          "device": "cpu",
          "threads": 1,
          "data": { "type": "gaussian-grid", "options": { "num_per_mode": 40 } },
          "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
          "schedule": { "type": "linear", "num_timesteps": 50 },
          "parameterization": { "type": "ddpm-eps" },
          "training": { "steps": 40, "batch_size": 32, "log_every": 5, "checkpoint_every": 10, "keep_checkpoint_every": 10,
                        "lr_schedule": "constant" },
          "sampling": [ { "label": "full", "num_samples": 200 } ],
          "evaluation": { "mmd_points": 100, "plot": false }
        }
        """);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private string TrainOne(string runs, params string[] sets)
    {
        var args = new List<string> { "train", _experiment, "--runs-dir", runs };
        foreach (var s in sets) args.AddRange(["--set", s]);
        var (exit, output, err) = Cli.Run([.. args]);
        Assert.That(exit, Is.EqualTo(0), err + output);
        return Directory.GetDirectories(runs).Single();
    }

    private static Dictionary<string, (string Hash, DateTime Written)> Snapshot(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), f => (Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))), File.GetLastWriteTimeUtc(f)));

    // latest.safetensors moved aside, step checkpoints kept: the resume continues from the newest kept one (step 40), so the
    // kept files and the history before step 40 stay as they are, and it ends at the weights of an uninterrupted run.
    [Test]
    public void Resume_LatestMovedAside_ContinuesFromTheNewestKeptCheckpointAndOverwritesNothing()
    {
        var reference = TrainOne(Path.Combine(_dir, "ref"), "training.steps=60");
        var run = TrainOne(Path.Combine(_dir, "runs"));
        var checkpoints = Path.Combine(run, "checkpoints");
        File.Move(Path.Combine(checkpoints, "latest.safetensors"), Path.Combine(_dir, "latest-aside.safetensors"));
        var kept = Snapshot(checkpoints);
        Assert.That(kept.Keys, Is.EquivalentTo(new[] { "step-00000010.safetensors", "step-00000020.safetensors", "step-00000030.safetensors", "step-00000040.safetensors" }));
        var history = File.ReadAllLines(Path.Combine(run, "metrics.jsonl"));
        Thread.Sleep(20);   // a rewrite would show in the write times

        var (exit, output, err) = Cli.Run("train", "--resume", run, "--set", "training.steps=60");
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(output, Does.Contain("Trained to step 60"));
        Assert.That(File.ReadAllText(Path.Combine(run, "log.txt")), Does.Contain("step-00000040.safetensors"));
        var after = Snapshot(checkpoints);
        foreach (var (name, before) in kept) Assert.That(after[name], Is.EqualTo(before), name);
        Assert.That(after.Keys, Is.SupersetOf(new[] { "latest.safetensors", "step-00000050.safetensors", "step-00000060.safetensors" }));
        Assert.That(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Take(history.Length), Is.EqualTo(history), "history before the resume");

        var (a, _) = SafeTensors.Read(Path.Combine(reference, "checkpoints", "latest.safetensors"));
        var (b, mb) = SafeTensors.Read(Path.Combine(checkpoints, "latest.safetensors"));
        try
        {
            Assert.That(mb["step"], Is.EqualTo("60"));
            foreach (var k in a.Keys.Where(k => k.StartsWith("net.") || k.StartsWith("ema.")))
                Assert.That(a[k].eq(b[k]).all().item<bool>(), Is.True, k);
        }
        finally
        {
            foreach (var t in a.Values.Concat(b.Values)) t.Dispose();
        }
    }

    // No checkpoint at all, but metrics.jsonl says the run trained: there is nothing to resume from, and starting again from
    // step 0 would train over the run's history. Refused with exit 2; nothing in the folder changes.
    [Test]
    public void Resume_NoCheckpointButTrainedBefore_RefusedWithExitTwoAndNothingChanged()
    {
        var run = TrainOne(Path.Combine(_dir, "runs"), "training.keep_checkpoint_every=0");
        File.Move(Path.Combine(run, "checkpoints", "latest.safetensors"), Path.Combine(_dir, "latest-aside.safetensors"));
        var metrics = File.ReadAllBytes(Path.Combine(run, "metrics.jsonl"));

        var (exit, output, err) = Cli.Run("train", "--resume", run);
        Assert.That(exit, Is.EqualTo(2), err + output);
        Assert.That(err, Does.Contain(run).And.Contain("step 40").And.Contain("latest.safetensors"));
        Assert.That(File.ReadAllBytes(Path.Combine(run, "metrics.jsonl")), Is.EqualTo(metrics));
        Assert.That(Directory.GetFiles(Path.Combine(run, "checkpoints")), Is.Empty);
    }

    // A training process holds its run folder: a second writer gets exit 2 naming the folder and the holder's PID, while
    // `eval` (a reader, appending its own lines) still works. The lock goes with the process, even on SIGKILL.
    [Test]
    public void SecondWriter_WhileTrainingRuns_RefusedWithExitTwo_EvalStillWorks_AndTheLockDiesWithTheProcess()
    {
        var runs = Path.Combine(_dir, "runs");
        using var trainer = Start("train", _experiment, "--runs-dir", runs, "--set", "training.steps=200000", "--set", "training.keep_checkpoint_every=0");
        string? run = null;
        var sw = Stopwatch.StartNew();
        while (!trainer.HasExited && sw.Elapsed < TimeSpan.FromSeconds(120))
        {
            run ??= Directory.Exists(runs) ? Directory.GetDirectories(runs).SingleOrDefault() : null;
            if (run is not null && File.Exists(Path.Combine(run, "checkpoints", "latest.safetensors"))) break;
            Thread.Sleep(50);
        }
        try
        {
            Assert.That(trainer.HasExited, Is.False, "the trainer must still be running");
            Assert.That(run, Is.Not.Null);
            var (exit, output, err) = Cli.Run("train", "--resume", run!, "--set", "training.steps=1");   // would train nothing
            Assert.That(exit, Is.EqualTo(2), err + output);
            Assert.That(err, Does.Contain(run!).And.Contain($"pid {trainer.Id}"));

            // Two evaluations at once (another process and this one), beside the trainer: both succeed.
            using (var other = Start("eval", run!))
            {
                (exit, output, err) = Cli.Run("eval", run!);
                Assert.That(exit, Is.EqualTo(0), err + output);
                Assert.That(other.WaitForExit(120_000), Is.True);
                Assert.That(other.ExitCode, Is.EqualTo(0));
            }
            Assert.That(File.ReadAllText(Path.Combine(run!, "table.md")), Does.Contain("full"));
            using (var samples = SafeTensors.Read(Path.Combine(run!, "samples", "full.safetensors")).Tensors["samples"])
                Assert.That(samples.shape, Is.EqualTo(new long[] { 200, 2 }));
        }
        finally
        {
            if (!trainer.HasExited) trainer.Kill();   // SIGKILL: no finally blocks, no Dispose in the trainer
            trainer.WaitForExit();
        }
        var (exit2, output2, err2) = Cli.Run("train", "--resume", run!, "--set", "training.steps=1");
        Assert.That(exit2, Is.EqualTo(0), err2 + output2);
        var lines = File.ReadAllLines(Path.Combine(run!, "metrics.jsonl"));
        foreach (var line in lines) Assert.That(() => System.Text.Json.JsonDocument.Parse(line).Dispose(), Throws.Nothing, line);
        Assert.That(lines.Count(l => l.Contains("\"eval\":\"full\"")), Is.EqualTo(2), "one evaluation line from each eval");
    }

    // A model that diverged (NaN weights without the NaN guard: the training's own metrics lines are non-finite too) still gets its table: the non-finite metrics are recorded
    // as such, and the run says which rows diverged.
    [Test]
    public void Run_DivergedModel_WritesTheTableAndNamesTheDivergedRows()
    {
        var runs = Path.Combine(_dir, "runs");
        // Unnormalised data 1e30 apart: the loss overflows, and without the guard the weights become NaN.
        var (exit, output, err) = Cli.Run("run", _experiment, "--runs-dir", runs, "--set", "training.nan_guard=false",
            "--set", "data.options.spacing=1e30", "--set", "data.options.normalize=false");
        Assert.That(exit, Is.EqualTo(0), err + output);
        var top = Directory.GetDirectories(runs).Single();
        var table = File.ReadAllText(Path.Combine(top, "table.md"));
        Assert.That(table, Does.Contain("| ddpm-eps").And.Contain("NaN"));
        Assert.That(err + output, Does.Contain("diverged").And.Contain("full"));
        var evalLine = File.ReadAllLines(Path.Combine(top, "tiny", "metrics.jsonl")).Last(l => l.Contains("\"eval\""));
        using var doc = System.Text.Json.JsonDocument.Parse(evalLine);
        Assert.That(doc.RootElement.GetProperty("non_finite").EnumerateArray().Select(e => e.GetString()), Does.Contain("frechet"));
        Assert.That(doc.RootElement.GetProperty("frechet").ValueKind, Is.EqualTo(System.Text.Json.JsonValueKind.Null));
    }

    private static Process Start(params string[] args)
    {
        var p = Cli.Start(args);
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }
}
