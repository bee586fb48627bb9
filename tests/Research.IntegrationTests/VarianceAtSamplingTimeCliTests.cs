namespace Research.IntegrationTests;

/// <summary>
/// The reverse variance is a sampling-time choice (issue 22.3): a run trained with one variance is evaluated with another
/// without retraining, through the sampling request or the family option; learned variance on a model without it is exit 2
/// naming the key.
/// </summary>
[NonParallelizable]
public class VarianceAtSamplingTimeCliTests
{
    private string _dir = "";
    private string _experiment = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("variance-").FullName;
        _experiment = Path.Combine(_dir, "tiny.json");
        File.WriteAllText(_experiment, """
        {
          "name": "tiny",
          "device": "cpu",
          "data": { "type": "gaussian-grid", "options": { "num_per_mode": 20 } },
          "backbone": { "type": "mlp", "options": { "hidden_dim": 16, "num_layers": 2, "time_embed_dim": 16 } },
          "schedule": { "type": "linear", "num_timesteps": 50 },
          "parameterization": { "type": "ddpm-eps", "options": { "variance": "fixed-large" } },
          "training": { "steps": 10, "batch_size": 16, "log_every": 5, "checkpoint_every": 10, "lr_schedule": "constant" },
          "sampling": [ { "label": "full", "num_samples": 50, "batch_size": 50 } ],
          "evaluation": { "mmd_points": 50, "plot": false }
        }
        """);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private string Train(params string[] sets)
    {
        var runs = Path.Combine(_dir, "runs-" + sets.Length);
        var args = new List<string> { "train", _experiment, "--runs-dir", runs };
        foreach (var s in sets) args.AddRange(["--set", s]);
        var (exit, output, err) = Cli.Run([.. args]);
        Assert.That(exit, Is.EqualTo(0), err + output);
        return Directory.GetDirectories(runs).Single();
    }

    private static string[] EvalLines(string run) =>
        File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Where(l => l.Contains("\"eval\":", StringComparison.Ordinal)).ToArray();

    [Test]
    public void Eval_FixedLargeRun_WithFixedSmall_GivesMetricsWithoutRetraining()
    {
        var run = Train();
        var checkpoint = File.ReadAllBytes(Path.Combine(run, "checkpoints", "latest.safetensors"));

        var (exit, output, err) = Cli.Run("eval", run, "--set", "parameterization.options.variance=fixed-small");
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(err, Does.Not.Contain("trained with different settings"));
        (exit, output, err) = Cli.Run("eval", run, "--set", "sampling[0].variance=fixed-small", "--set", "sampling[0].label=small");
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(output, Does.Contain("small"));

        var lines = EvalLines(run);
        Assert.That(lines, Has.Length.EqualTo(2), "one metrics line per evaluation");
        Assert.That(lines[1], Does.Contain("\"eval\":\"small\""));
        Assert.That(File.ReadAllBytes(Path.Combine(run, "checkpoints", "latest.safetensors")), Is.EqualTo(checkpoint), "nothing retrained");
    }

    [Test]
    public void Eval_LearnedOnFixedRun_Exit2NamingTheKey()
    {
        var run = Train();
        var before = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
        var (exit, _, err) = Cli.Run("eval", run, "--set", "sampling[0].variance=learned");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("sampling[0].variance").And.Contain("learned variance"));
        (exit, _, err) = Cli.Run("eval", run, "--set", "parameterization.options.variance=learned");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("parameterization.options.variance"));
        (exit, _, err) = Cli.Run("sample", run, "--variance", "learned", "--num-samples", "5");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--variance"));
        Assert.That(File.ReadAllText(Path.Combine(run, "metrics.jsonl")), Is.EqualTo(before), "nothing written");
    }

    [Test]
    public void LearnSigmaRun_SamplesWithLearnedAndFixedVariances()
    {
        var run = Train("parameterization.options.learn_sigma=true", "parameterization.options.variance=auto");
        Assert.That(File.ReadAllText(Path.Combine(run, "metrics.jsonl")), Does.Contain("\"vlb_bpd\":"));
        foreach (var variance in new[] { "learned", "fixed-large", "fixed-small" })
        {
            var (exit, output, err) = Cli.Run("sample", run, "--variance", variance, "--num-samples", "20", "--label", variance);
            Assert.That(exit, Is.EqualTo(0), err + output);
            Assert.That(File.Exists(Path.Combine(run, "samples", variance + ".safetensors")), Is.True, variance);
        }
    }
}
