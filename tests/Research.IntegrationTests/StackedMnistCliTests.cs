using System.Text.Json;

namespace Research.IntegrationTests;

/// <summary>
/// StackedMNIST end to end through configuration alone (issue 21.3): a tiny <c>stacked-mnist</c> pool built from generated
/// 8×8 MNIST files, DDPM on the UNet, and <c>evaluation.mode_count</c> scoring both the samples and, with
/// <c>real_data_row</c>, as many real stacked images, without any feature extractor; and the mode count's bad inputs
/// stopping with exit 2 before any run folder exists.
/// </summary>
[NonParallelizable]
public class StackedMnistCliTests
{
    private string _dir = "";
    private string _dataRoot = "";
    private string _experiment = "";
    private string _classifier = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("cli-stacked-").FullName;
        _dataRoot = Path.Combine(_dir, "data");
        TinyMnist.Write(_dataRoot, n: 20);
        _classifier = TinyMnist.FeatureFile(_dir, seed: 5);
        _experiment = Path.Combine(_dir, "stacked.json");
        File.WriteAllText(_experiment, $$"""
        {
          "name": "tiny-stacked",
          "device": "cpu",
          "data": { "type": "stacked-mnist", "options": { "image_size": 0, "count": 40, "seed": 3 } },
          "backbone": { "type": "unet", "options": { "image_size": 8, "model_channels": 16, "num_res_blocks": 1, "attention_resolutions": [4],
                                                    "channel_mult": [1, 2], "num_heads": 2, "num_groups": 8 } },
          "schedule": { "type": "linear", "num_timesteps": 50 },
          "parameterization": { "type": "ddpm-eps" },
          "training": { "steps": 2, "batch_size": 4, "log_every": 1, "checkpoint_every": 2 },
          "evaluation": { "mode_count": { "enabled": true, "classifier": "{{_classifier.Replace("\\", "/")}}" }, "real_data_row": true },
          "sampling": [ { "label": "ddim 4", "steps": "ddim4", "sampler": "ddim", "num_samples": 6 } ]
        }
        """);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private static List<JsonElement> EvalLines(string runFolder) =>
        File.ReadAllLines(Path.Combine(runFolder, "metrics.jsonl"))
            .Select(l => JsonDocument.Parse(l).RootElement.Clone())
            .Where(e => e.TryGetProperty("eval", out _))
            .ToList();

    [Test]
    public void Run_ModeCountAndRealDataRow_WritesModesForSamplesAndRealImages()
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, output, err) = Cli.Run("run", _experiment, "--runs-dir", runs, "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var run = Directory.GetDirectories(runs, "*", SearchOption.AllDirectories).Single(d => File.Exists(Path.Combine(d, "metrics.jsonl")));
        var lines = EvalLines(run);
        Assert.That(lines.Select(l => l.GetProperty("method").GetString()), Is.EquivalentTo(new[] { "ddpm-eps", "real-data" }));
        foreach (var line in lines)
        {
            Assert.That(line.GetProperty("num_modes").GetInt32(), Is.EqualTo(1000));
            Assert.That(line.GetProperty("num_samples").GetInt32(), Is.EqualTo(6));
            int covered = line.GetProperty("modes_covered").GetInt32();
            Assert.That(covered, Is.InRange(1, 6));
            // 6 samples in `covered` modes: the KL lies between the most even split and all but one sample together.
            Assert.That(line.GetProperty("mode_kl").GetDouble(), Is.InRange(Math.Log(1000.0 / 6) - 1e-9, Math.Log(1000)));
            Assert.That(line.GetProperty("mode_classifier_hash").GetString(), Has.Length.EqualTo(16));
            Assert.That(line.GetProperty("feature_extractor").GetString(), Is.EqualTo("none"));
        }
        Assert.That(output, Does.Contain("modes covered").And.Contain("/1000"));
        Assert.That(File.Exists(Path.Combine(run, "samples", "ddim-4.png")), Is.True, "the grid of an RGB sample set");
    }

    // Runs the tiny experiment (train, draw, count) and returns its run folder.
    private string RunTiny()
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, output, err) = Cli.Run("run", _experiment, "--runs-dir", runs, "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(0), err + output);
        return Directory.GetDirectories(runs, "*", SearchOption.AllDirectories).Single(d => File.Exists(Path.Combine(d, "metrics.jsonl")));
    }

    [Test]
    public void EvalRescore_AddsTheRecognisableCountsToTheStoredSamplesWithoutDrawing()
    {
        var run = RunTiny();
        var drawn = EvalLines(run).Single(l => l.GetProperty("method").GetString() == "ddpm-eps");
        Assert.That(drawn.TryGetProperty("recognisable_stacked_pct", out _), Is.False, "the tiny classifier stores no τ");
        var samples = Path.Combine(run, "samples", "ddim-4.safetensors");
        var stamp = File.GetLastWriteTimeUtc(samples);

        // τ just under 1/10: the largest of ten probabilities always reaches it, so every sample is recognisable.
        var (exit, output, err) = Cli.Run("eval", run, "--rescore", "--data-root", _dataRoot, "--set", "evaluation.recognisable_threshold=0.0999");
        Assert.That(exit, Is.EqualTo(0), err + output);
        var rescored = EvalLines(run).Last(l => l.GetProperty("method").GetString() == "ddpm-eps");
        Assert.That(rescored.GetProperty("rescored_utc").GetString(), Does.EndWith("Z"));
        Assert.That(rescored.GetProperty("recognisable_stacked_pct").GetDouble(), Is.EqualTo(100));
        Assert.That(rescored.GetProperty("recognisable_threshold").GetDouble(), Is.EqualTo(0.0999));
        Assert.That(rescored.GetProperty("recognisable_modes_covered").GetInt32(), Is.EqualTo(drawn.GetProperty("modes_covered").GetInt32()));
        foreach (var kept in new[] { "modes_covered", "mode_kl", "ms_per_1000", "nfe", "step" })
            Assert.That(rescored.GetProperty(kept).GetDouble(), Is.EqualTo(drawn.GetProperty(kept).GetDouble()), kept);
        Assert.That(File.GetLastWriteTimeUtc(samples), Is.EqualTo(stamp), "nothing drawn: the samples file is untouched");
        Assert.That(output, Does.Contain("recognisable (3 ch) %"));
    }

    [Test]
    public void EvalRescoreFirst_ScoresTheFirstNStoredSamplesAsANewRequestWithTheRealRowAtN()
    {
        var run = RunTiny();
        var drawn = EvalLines(run).Single(l => l.GetProperty("method").GetString() == "ddpm-eps");

        // All six: the same numbers as the draw, under the new request label.
        var (exit, output, err) = Cli.Run("eval", run, "--rescore", "--first", "6", "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var all = EvalLines(run).Last(l => l.GetProperty("eval").GetString() == "ddim 4, first 6");
        foreach (var same in new[] { "modes_covered", "mode_kl", "num_samples", "nfe", "ms_per_1000" })
            Assert.That(all.GetProperty(same).GetDouble(), Is.EqualTo(drawn.GetProperty(same).GetDouble()), same);

        (exit, output, err) = Cli.Run("eval", run, "--rescore", "--first", "3", "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var lines = EvalLines(run);
        var three = lines.Last(l => l.GetProperty("eval").GetString() == "ddim 4, first 3");
        Assert.That(three.GetProperty("method").GetString(), Is.EqualTo("ddpm-eps"));
        Assert.That(three.GetProperty("num_samples").GetInt32(), Is.EqualTo(3));
        Assert.That(three.GetProperty("modes_covered").GetInt32(), Is.InRange(1, Math.Min(3, drawn.GetProperty("modes_covered").GetInt32())));
        Assert.That(three.GetProperty("mode_kl").GetDouble(), Is.InRange(Math.Log(1000.0 / 3) - 1e-9, Math.Log(1000)));
        var real = lines.Last(l => l.GetProperty("method").GetString() == "real-data");
        Assert.That(real.GetProperty("eval").GetString(), Is.EqualTo("first 3 training images"));
        Assert.That(real.GetProperty("num_samples").GetInt32(), Is.EqualTo(3));
        Assert.That(lines.Count(l => l.GetProperty("eval").GetString() == "ddim 4"), Is.EqualTo(1), "the drawn line stays as it was");
    }

    [TestCase("7", "stored 6 samples")]
    [TestCase("0", "must be positive")]
    public void EvalRescoreFirst_BadCount_Exit2AndNothingWritten(string first, string message)
    {
        var run = RunTiny();
        var metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
        var (exit, _, err) = Cli.Run("eval", run, "--rescore", "--first", first, "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(message));
        if (first == "7") Assert.That(err, Does.Contain(Path.Combine(run, "samples", "ddim-4.safetensors")));
        Assert.That(File.ReadAllText(Path.Combine(run, "metrics.jsonl")), Is.EqualTo(metrics), "no line added");
    }

    [Test]
    public void EvalFirst_WithoutRescore_Exit2()
    {
        var run = RunTiny();
        var metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
        var (exit, _, err) = Cli.Run("eval", run, "--first", "3", "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("--first needs --rescore"));
        Assert.That(File.ReadAllText(Path.Combine(run, "metrics.jsonl")), Is.EqualTo(metrics), "nothing drawn or written");
    }

    [Test]
    public void EvalRescore_NoStoredSamples_Exit2NamingTheFileAndNothingWritten()
    {
        var run = RunTiny();
        var samples = Path.Combine(run, "samples", "ddim-4.safetensors");
        File.Delete(samples);
        var metrics = File.ReadAllText(Path.Combine(run, "metrics.jsonl"));
        var (exit, _, err) = Cli.Run("eval", run, "--rescore", "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(samples).And.Contain("ddim 4"));
        Assert.That(File.ReadAllText(Path.Combine(run, "metrics.jsonl")), Is.EqualTo(metrics), "no line added");
        Assert.That(File.Exists(samples), Is.False, "nothing drawn");
    }

    [Test]
    public void Train_MissingClassifierFile_Exit2NamingTheKeyBeforeAnyRunFolder()
    {
        var runs = Path.Combine(_dir, "runs");
        var missing = Path.Combine(_dir, "nowhere", "judge.safetensors");
        var (exit, _, err) = Cli.Run("train", _experiment, "--runs-dir", runs, "--data-root", _dataRoot,
            "--set", $"evaluation.mode_count.classifier={missing}");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("evaluation.mode_count.classifier").And.Contain(missing).And.Contain("research train-features --data mnist"));
        Assert.That(Directory.Exists(runs) ? Directory.GetDirectories(runs) : [], Is.Empty, "nothing written");
    }

    [Test]
    public void Validate_ModeCountWithoutClassifier_Exit2NamingTheKey()
    {
        File.WriteAllText(_experiment, File.ReadAllText(_experiment).Replace($", \"classifier\": \"{_classifier.Replace("\\", "/")}\"", ""));
        var (exit, _, err) = Cli.Run("validate", _experiment, "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("evaluation.mode_count.classifier").And.Contain(_experiment));
    }
}
