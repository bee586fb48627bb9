using Research.Core.IO;
using TorchSharp;

namespace Research.IntegrationTests;

/// <summary>The CLI end to end on a tiny experiment: run, eval, sample, train and bit-exact resume.</summary>
[NonParallelizable]
public class RunCliTests
{
    private string _dir = "";
    private string _experiment = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("cli-").FullName;
        _experiment = Path.Combine(_dir, "tiny.json");
        File.WriteAllText(_experiment, """
        {
          "name": "tiny",
          "device": "cpu",
          "data": { "type": "gaussian-grid", "options": { "num_per_mode": 40 } },
          "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
          "schedule": { "type": "linear", "num_timesteps": 50 },
          "parameterization": { "type": "ddpm-eps" },
          "training": { "steps": 40, "batch_size": 32, "log_every": 10, "checkpoint_every": 20, "lr_schedule": "constant" },
          "sampling": [ { "label": "full", "num_samples": 200 }, { "label": "ddim 5", "steps": "ddim5", "sampler": "ddim", "num_samples": 200 } ],
          "evaluation": { "mmd_points": 100 },
          "variants": [ { "name": "a", "set": {} }, { "name": "b", "set": { "training": { "batch_size": 16 } } } ]
        }
        """);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void Run_TinyExperiment_WritesTableAndRunFolders()
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, output, err) = Cli.Run("run", _experiment, "--runs-dir", runs);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var top = Directory.GetDirectories(runs).Single();
        Assert.That(File.ReadAllText(Path.Combine(top, "table.md")), Does.Contain("| a ").And.Contain("| b ").And.Contain("ddim 5"));
        Assert.That(File.ReadAllLines(Path.Combine(top, "table.csv")), Has.Length.EqualTo(5));
        foreach (var variant in new[] { "a", "b" })
        {
            var run = Path.Combine(top, variant);
            foreach (var f in new[] { "resolved.json", "run.json", "log.txt", "metrics.jsonl", "checkpoints/latest.safetensors", "samples/full.png", "samples/ddim-5.safetensors" })
                Assert.That(File.Exists(Path.Combine(run, f)), Is.True, $"{variant}/{f}");
        }
        Assert.That(output, Does.Contain("modes covered").And.Contain("NFE"));
    }

    [Test]
    public void Eval_AfterRun_RowsCarryTheRunsMethodSoATableReadsOneRowPerRun()
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, output, err) = Cli.Run("run", _experiment, "--runs-dir", runs, "--set", "sampling=[{\"label\": \"ddim 5\", \"steps\": \"ddim5\", \"sampler\": \"ddim\", \"num_samples\": 100}]");
        Assert.That(exit, Is.EqualTo(0), err + output);
        var top = Directory.GetDirectories(runs).Single();
        var a = Path.Combine(top, "a");
        var b = Path.Combine(top, "b");
        Assert.That(System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(a, "run.json")))!["method"]!.GetValue<string>(), Is.EqualTo("a"));
        // b stands for a folder written before run.json recorded the method: its earlier evaluation lines name it.
        var record = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(b, "run.json")))!.AsObject();
        record.Remove("method");
        File.WriteAllText(Path.Combine(b, "run.json"), record.ToJsonString());
        foreach (var (run, variant) in new[] { (a, "a"), (b, "b") })
        {
            (exit, output, err) = Cli.Run("eval", run);
            Assert.That(exit, Is.EqualTo(0), err + output);
            var methods = File.ReadLines(Path.Combine(run, "metrics.jsonl"))
                .Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!.AsObject())
                .Where(o => o.ContainsKey("eval")).Select(o => o["method"]!.GetValue<string>()).ToList();
            Assert.That(methods, Has.Count.EqualTo(2), variant);   // the run's evaluation and eval's
            Assert.That(methods, Is.All.EqualTo(variant), variant);
        }
    }

    [Test]
    public void Sample_AfterRun_DrawsAtTheRunsBatchAndNamesItsRowAsTheRun()
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, output, err) = Cli.Run("run", _experiment, "--runs-dir", runs, "--variant", "a",
            "--set", "sampling=[{\"label\": \"ddim 5\", \"steps\": \"ddim5\", \"sampler\": \"ddim\", \"num_samples\": 100, \"batch_size\": 25}]");
        Assert.That(exit, Is.EqualTo(0), err + output);
        var run = Path.Combine(Directory.GetDirectories(runs).Single(), "a");
        string[] request = ["--num-samples", "60", "--steps", "ddim5", "--sampler", "ddim"];

        // No --batch-size: the batch of the run's own request (the old command drew all 60 in one call).
        (exit, output, err) = Cli.Run(["sample", run, .. request, "--label", "own"]);
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(output, Does.Contain("(60 samples, 25 a call)"));
        (exit, output, err) = Cli.Run(["sample", run, .. request, "--label", "seven", "--batch-size", "7"]);
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(output, Does.Contain("(60 samples, 7 a call)"));

        var metrics = Path.Combine(run, "metrics.jsonl");
        var before = File.ReadAllText(metrics);
        (exit, _, err) = Cli.Run(["sample", run, .. request, "--label", "bad", "--batch-size", "-1"]);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--batch-size must be at least 1"));
        Assert.That(File.ReadAllText(metrics), Is.EqualTo(before));
        Assert.That(Directory.GetFiles(Path.Combine(run, "samples"), "bad*"), Is.Empty);

        // The run's row and both of sample's carry the run's method ("a", as the run named it), not the run name "tiny-a".
        var methods = File.ReadLines(metrics).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!.AsObject())
            .Where(o => o.ContainsKey("eval")).Select(o => o["method"]!.GetValue<string>()).ToList();
        Assert.That(methods, Has.Count.EqualTo(3));
        Assert.That(methods, Is.All.EqualTo("a"));
    }

    [Test]
    public void Run_WithTwoWorkers_SameTableAndWeightsAsOneAfterAnother()
    {
        var seq = Path.Combine(_dir, "seq");
        var par = Path.Combine(_dir, "par");
        var (exit, output, err) = Cli.Run("run", _experiment, "--runs-dir", seq);
        Assert.That(exit, Is.EqualTo(0), err + output);
        (exit, output, err) = Cli.Run("run", _experiment, "--runs-dir", par, "--workers", "2");
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(output, Does.Contain("2 runs, 2 at a time").And.Contain("done a").And.Contain("done b").And.Contain("modes covered"));
        var s = Directory.GetDirectories(seq).Single();
        var p = Directory.GetDirectories(par).Single();
        Assert.That(Path.GetFileName(p), Does.EndWith("-tiny"));
        // Every cell but the last (ms / 1,000 samples, a timing) is the same: same rows, same order, same numbers.
        static string[] WithoutTime(string csv) => File.ReadAllLines(csv).Select(l => l[..l.LastIndexOf(',')]).ToArray();
        Assert.That(WithoutTime(Path.Combine(p, "table.csv")), Is.EqualTo(WithoutTime(Path.Combine(s, "table.csv"))));
        foreach (var variant in new[] { "a", "b" })
        {
            var (a, _) = SafeTensors.Read(Path.Combine(s, variant, "checkpoints", "latest.safetensors"));
            var (b, _) = SafeTensors.Read(Path.Combine(p, variant, "checkpoints", "latest.safetensors"));
            try
            {
                Assert.That(b.Keys, Is.EquivalentTo(a.Keys));
                foreach (var k in a.Keys)
                    Assert.That(a[k].eq(b[k]).all().item<bool>(), Is.True, $"{variant}: {k}");
            }
            finally
            {
                foreach (var t in a.Values.Concat(b.Values)) t.Dispose();
            }
            Assert.That(File.Exists(Path.Combine(p, "logs", variant + ".log")), Is.True);
        }
    }

    [Test]
    public void Run_WorkersBelowOne_UsageErrorAndNothingWritten()
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, _, err) = Cli.Run("run", _experiment, "--runs-dir", runs, "--workers", "0");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--workers"));
        Assert.That(Directory.Exists(runs), Is.False);
    }

    [Test]
    public void TrainThenEvalAndSample_RunFolder_Works()
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, output, err) = Cli.Run("train", _experiment, "--runs-dir", runs, "--set", "variants=[]");
        Assert.That(exit, Is.EqualTo(0), err + output);
        var run = Directory.GetDirectories(runs).Single();
        (exit, output, err) = Cli.Run("eval", run);
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("full").And.Contain("ddim 5"));
        (exit, output, err) = Cli.Run("sample", run, "--steps", "ddim10", "--sampler", "ddim", "--num-samples", "50", "--label", "mine");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("NFE 10"));
        Assert.That(File.Exists(Path.Combine(run, "samples", "mine.safetensors")), Is.True);
    }

    [Test]
    public void Resume_FromHalfway_BitIdenticalToUninterrupted()
    {
        var runs = Path.Combine(_dir, "runs");
        Assert.That(Cli.Run("train", _experiment, "--runs-dir", Path.Combine(runs, "full"), "--set", "variants=[]").Exit, Is.EqualTo(0));
        Assert.That(Cli.Run("train", _experiment, "--runs-dir", Path.Combine(runs, "half"), "--set", "variants=[]", "--set", "training.steps=20").Exit, Is.EqualTo(0));
        var half = Directory.GetDirectories(Path.Combine(runs, "half")).Single();
        var (exit, _, err) = Cli.Run("train", "--resume", half, "--set", "training.steps=40");
        Assert.That(exit, Is.EqualTo(0), err);
        var full = Directory.GetDirectories(Path.Combine(runs, "full")).Single();
        var (a, _) = SafeTensors.Read(Path.Combine(full, "checkpoints", "latest.safetensors"));
        var (b, _) = SafeTensors.Read(Path.Combine(half, "checkpoints", "latest.safetensors"));
        try
        {
            // Every tensor: weights, EMA, optimizer moments and steps (optim.*), generator states (rng.*).
            Assert.That(b.Keys, Is.EquivalentTo(a.Keys));
            Assert.That(a.Keys.Where(k => k.StartsWith("optim.")), Is.Not.Empty);
            foreach (var k in a.Keys)
                Assert.That(a[k].eq(b[k]).all().item<bool>(), Is.True, k);
        }
        finally
        {
            foreach (var t in a.Values.Concat(b.Values)) t.Dispose();
        }
    }

    [Test]
    public void Resume_ArchitectureChanged_Refused()
    {
        var runs = Path.Combine(_dir, "runs");
        Assert.That(Cli.Run("train", _experiment, "--runs-dir", runs, "--set", "variants=[]", "--set", "training.steps=20").Exit, Is.EqualTo(0));
        var run = Directory.GetDirectories(runs).Single();
        var (exit, _, err) = Cli.Run("train", "--resume", run, "--set", "backbone.options.hidden_dim=8", "--set", "training.steps=40");
        Assert.That(exit, Is.Not.EqualTo(0));
        Assert.That(err, Does.Contain("backbone"));
    }

    [Test]
    public void List_PrintsEveryKindWithDefaults()
    {
        var (exit, output, _) = Cli.Run("list");
        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Does.Contain("ddpm-eps").And.Contain("mlp").And.Contain("gaussian-grid").And.Contain("hidden_dim (integer; default 256)"));
        Assert.That(output, Does.Contain("pool (string; default \"attention\")"), "a backbone option with its type and default");
    }
}
