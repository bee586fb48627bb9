using System.Text.Json;

namespace Research.IntegrationTests;

/// <summary><c>research bench</c> end to end on a tiny 2-D experiment: tables, JSON, soak, and its input errors.</summary>
[NonParallelizable]
public class BenchCliTests
{
    private string _dir = "";
    private string _experiment = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("bench-").FullName;
        _experiment = Path.Combine(_dir, "tiny.json");
        File.WriteAllText(_experiment, """
        {
          "name": "tiny",
          "device": "cpu",
          "threads": 1,
          "data": { "type": "gaussian-grid", "options": { "num_per_mode": 20 } },
          "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16, "latent_embed_dim": 16 } },
          "schedule": { "type": "ddgan-vp", "num_timesteps": 4 },
          "parameterization": { "type": "ddpm-eps" },
          "training": { "batch_size": 32, "log_every": 50 },
          "sampling": [ { "label": "4 steps", "steps": "" } ],
          "variants": [
            { "name": "ddpm", "set": {} },
            { "name": "ddgan", "set": { "parameterization": { "type": "ddgan" } } }
          ]
        }
        """);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void Bench_Quick_PrintsEverySectionAndRatio()
    {
        var (exit, output, err) = Cli.Run("bench", _experiment, "--quick");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("### Training").And.Contain("### Sampling").And.Contain("### Per-sample speed ratio")
            .And.Contain("### fp32 versus bf16"));
        Assert.That(output, Does.Contain("| tiny-ddpm").And.Contain("| tiny-ddgan"));
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.EquivalentTo(new[] { _experiment }), "bench writes no files without --output or --json");
    }

    [Test]
    public void Bench_JsonAndOutputFiles_JsonWithSnakeCaseKeysAndTheMarkdown()
    {
        var file = Path.Combine(_dir, "report.json");
        var markdown = Path.Combine(_dir, "report.md");
        var (exit, output, err) = Cli.Run("bench", _experiment, "--quick", "--json", file, "--only", "ddpm", "--output", markdown);
        Assert.That(exit, Is.EqualTo(0), err);
        using var doc = JsonDocument.Parse(File.ReadAllText(file));
        var training = doc.RootElement.GetProperty("training");
        Assert.That(training.GetArrayLength(), Is.EqualTo(1));
        Assert.That(training[0].GetProperty("run").GetString(), Is.EqualTo("tiny-ddpm"));
        Assert.That(training[0].GetProperty("step").GetProperty("median").GetDouble(), Is.GreaterThan(0));
        Assert.That(doc.RootElement.GetProperty("sampling")[0].GetProperty("nfe").GetInt32(), Is.EqualTo(4));
        Assert.That(doc.RootElement.GetProperty("precision")[0].GetProperty("bf16_over_fp32").GetDouble(), Is.GreaterThan(0));
        Assert.That(File.ReadAllText(markdown).Trim(), Is.EqualTo(output.Trim()), "--output holds the printed Markdown");
    }

    [Test]
    public void Bench_AllRequests_OneSamplingRowPerRequest_RatioOnlyForNamedRuns()
    {
        var two = Path.Combine(_dir, "two.json");
        File.WriteAllText(two, """
        {
          "name": "tiny-ddpm", "device": "cpu", "threads": 1,
          "data": { "type": "gaussian-grid", "options": { "num_per_mode": 20 } },
          "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
          "schedule": { "type": "ddgan-vp", "num_timesteps": 4 },
          "parameterization": { "type": "ddpm-eps" },
          "training": { "batch_size": 32, "log_every": 50 },
          "sampling": [ { "label": "4 steps", "steps": "" }, { "label": "ddim 2", "steps": "ddim2", "sampler": "ddim", "eta": 0 } ]
        }
        """);
        var file = Path.Combine(_dir, "report.json");
        var (exit, output, err) = Cli.Run("bench", two, "--quick", "--all-requests", "--json", file);
        Assert.That(exit, Is.EqualTo(0), err);
        using (var doc = JsonDocument.Parse(File.ReadAllText(file)))
        {
            var rows = doc.RootElement.GetProperty("sampling").EnumerateArray()
                .Select(r => (r.GetProperty("run").GetString(), r.GetProperty("request").GetString(), r.GetProperty("nfe").GetInt32())).ToList();
            Assert.That(rows, Is.EqualTo(new[] { ("tiny-ddpm", "4 steps", 4), ("tiny-ddpm", "ddim 2", 2) }));
        }
        // Without --all-requests, the first request only; --ratio naming no DDGAN run measures no ratio.
        (exit, output, err) = Cli.Run("bench", _experiment, "--quick", "--json", file, "--ratio", "no-such-run");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Not.Contain("### Per-sample speed ratio"));
        using (var doc = JsonDocument.Parse(File.ReadAllText(file)))
        {
            Assert.That(doc.RootElement.GetProperty("sampling").GetArrayLength(), Is.EqualTo(2), "one row per run");
            Assert.That(doc.RootElement.GetProperty("ratios").GetArrayLength(), Is.EqualTo(0));
        }
    }

    [Test]
    public void Bench_SoakQuick_PassesAndReportsConstantLiveTensors()
    {
        var (exit, output, err) = Cli.Run("bench", _experiment, "--quick", "--soak", "--only", "ddpm");
        TestContext.Out.WriteLine(output);
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("### Memory soak").And.Contain("(constant)").And.Contain("pass"));
    }

    [Test]
    public void Bench_BadFile_ExitCode2BeforeAnyRun()
    {
        var bad = Path.Combine(_dir, "bad.json");
        File.WriteAllText(bad, """{ "name": "bad", "training": { "precision": "fp8" } }""");
        var (exit, output, err) = Cli.Run("bench", _experiment, bad, "--quick");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("training.precision"));
        Assert.That(output, Is.Empty, "nothing is measured when any file is invalid");
    }

    [Test]
    public void Bench_OnlyMatchesNothing_ExitCode2()
    {
        var (exit, _, err) = Cli.Run("bench", _experiment, "--only", "no-such-run");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("no-such-run"));
    }
}
