using System.Text.Json;
using Research.Core.IO;
using Research.Evaluation.Features;
using static TorchSharp.torch;

namespace Research.IntegrationTests;

/// <summary>
/// ADM's workflow on images through configuration alone: an ε-model trained by one run, a noisy classifier trained by
/// another that loads it (<c>training.init</c>), guided samples judged by an independent classifier, the classifier's
/// accuracy measured on the test split; and the bad inputs of <c>training.init</c>.
/// </summary>
[NonParallelizable]
public class InitAndGuidedImageCliTests
{
    private string _dir = "";
    private string _dataRoot = "";
    private string _ddpm = "";
    private string _guided = "";

    private const string Common = """
          "device": "cpu",
          "data": { "type": "mnist", "options": { "image_size": 0 } },
          "backbone": { "type": "unet", "options": { "image_size": 8, "model_channels": 8, "num_res_blocks": 1, "attention_resolutions": [],
                                                    "channel_mult": [1, 2], "num_heads": 1 } },
          "schedule": { "type": "linear", "num_timesteps": 50 },
        """;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("cli-init-").FullName;
        _dataRoot = Path.Combine(_dir, "data");
        TinyMnist.Write(_dataRoot, n: 20, testImages: 10);
        _ddpm = Path.Combine(_dir, "ddpm.json");
        File.WriteAllText(_ddpm, $$"""
        { "name": "tiny-ddpm", {{Common}}
          "parameterization": { "type": "ddpm-eps" },
          "training": { "steps": 3, "batch_size": 4, "log_every": 1, "checkpoint_every": 3, "ema": { "decay": 0.5 } },
          "sampling": [ { "label": "ddim 2", "steps": "ddim2", "sampler": "ddim", "num_samples": 2 } ]
        }
        """);
        _guided = Path.Combine(_dir, "guided.json");
        File.WriteAllText(_guided, $$"""
        { "name": "tiny-guided", {{Common}}
          "parameterization": { "type": "classifier-guided", "options": { "train_denoiser": false, "accuracy_at": [0.5] } },
          "training": { "steps": 2, "batch_size": 4, "log_every": 1, "checkpoint_every": 2 },
          "sampling": [ { "label": "s=1", "steps": "ddim2", "sampler": "ddim", "labels": "cycle", "guidance_scale": 1, "num_samples": 10 } ]
        }
        """);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private string TrainDdpm()
    {
        var runs = Path.Combine(_dir, "ddpm-runs");
        var (exit, output, err) = Cli.Run("train", _ddpm, "--runs-dir", runs, "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(0), err + output);
        return Path.Combine(Directory.GetDirectories(runs).Single(), "checkpoints", "latest.safetensors");
    }

    private string FeatureFile() => TinyMnist.FeatureFile(_dir, 5);

    [Test]
    public void Run_ClassifierOnPretrainedEpsModel_LoadsItsEmaWeightsKeepsThemAndScoresGuidedSamples()
    {
        var ddpmCheckpoint = TrainDdpm();
        var runs = Path.Combine(_dir, "guided-runs");
        var (exit, output, err) = Cli.Run("run", _guided, "--runs-dir", runs, "--data-root", _dataRoot,
            "--set", $"training.init.denoiser.path={ddpmCheckpoint}",
            "--set", "evaluation.features.type=cnn", "--set", $"evaluation.features.path={FeatureFile()}", "--set", "evaluation.reference_images=10");
        Assert.That(exit, Is.EqualTo(0), err + output);
        var run = Directory.GetDirectories(Directory.GetDirectories(runs).Single()).Single();
        Assert.That(File.ReadAllText(Path.Combine(run, "log.txt")), Does.Contain("Initialised denoiser:").And.Contain("EMA weights of 'denoiser' at step 3"));

        // The ε-model of the guided run is the DDPM run's EMA, untouched by 2 classifier steps (live and EMA alike).
        var (source, _) = SafeTensors.Read(ddpmCheckpoint);
        var (guided, _) = SafeTensors.Read(Path.Combine(run, "checkpoints", "latest.safetensors"));
        try
        {
            var keys = source.Keys.Where(k => k.StartsWith("ema.denoiser.", StringComparison.Ordinal)).ToList();
            Assert.That(keys, Is.Not.Empty);
            foreach (var k in keys)
            {
                var name = k["ema.denoiser.".Length..];
                Assert.That(Same(guided[$"net.denoiser.{name}"], source[k]), Is.True, $"net.denoiser.{name}");
                Assert.That(Same(guided[$"ema.denoiser.{name}"], source[k]), Is.True, $"ema.denoiser.{name}");
            }
            Assert.That(keys.Any(k => !Same(source[k], source["net.denoiser." + k["ema.denoiser.".Length..]])), Is.True,
                "the DDPM run's EMA differs from its live weights, so the test tells them apart");
        }
        finally
        {
            foreach (var t in source.Values.Concat(guided.Values)) t.Dispose();
        }

        var last = JsonDocument.Parse(File.ReadLines(Path.Combine(run, "metrics.jsonl")).Last()).RootElement;
        Assert.That(last.GetProperty("eval").GetString(), Is.EqualTo("s=1"));
        Assert.That(last.GetProperty("guided_accuracy_pct").GetDouble(), Is.InRange(0, 100), "judged by the evaluation classifier");
        Assert.That(last.GetProperty("diagnostics_data").GetString(), Is.EqualTo("test split"));
        Assert.That(last.TryGetProperty("classifier_accuracy@t=24", out _), Is.True, "accuracy per noise level");
        Assert.That(last.GetProperty("peak_rss_mib").GetDouble(), Is.GreaterThan(50), "peak resident memory of the run's process");
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    [Test]
    public void Train_ClassifierWithoutTrainingOrLoadingTheEpsModel_Exit2AndNoRunFolder()
    {
        var runs = Path.Combine(_dir, "guided-runs");
        var (exit, _, err) = Cli.Run("train", _guided, "--runs-dir", runs, "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(_guided).And.Contain("train_denoiser is false").And.Contain("training.init"));
        Assert.That(Directory.Exists(runs) ? Directory.GetDirectories(runs) : [], Is.Empty, "nothing written");
    }

    [Test]
    public void Train_SiddmOnTheUNet_TrainsItsUNetDiscriminatorWithFiniteLosses()
    {
        var siddm = Path.Combine(_dir, "siddm.json");
        File.WriteAllText(siddm, $$"""
        { "name": "tiny-siddm", {{Common}}
          "parameterization": { "type": "siddm" },
          "training": { "steps": 2, "batch_size": 4, "log_every": 1, "checkpoint_every": 2 }
        }
        """.Replace("\"type\": \"linear\", \"num_timesteps\": 50", "\"type\": \"ddgan-vp\", \"num_timesteps\": 4"));
        var runs = Path.Combine(_dir, "siddm-runs");
        var (exit, output, err) = Cli.Run("train", siddm, "--runs-dir", runs, "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var run = Directory.GetDirectories(runs).Single();
        var last = JsonDocument.Parse(File.ReadLines(Path.Combine(run, "metrics.jsonl")).Last(l => l.Contains("\"d_den\""))).RootElement;
        Assert.That(last.GetProperty("step").GetInt64(), Is.EqualTo(2));
        Assert.That(last.GetProperty("skipped_steps").GetInt64(), Is.Zero);
        foreach (var key in new[] { "d_real", "d_fake", "d_afd", "d_den", "g_adv", "g_ce", "g_ent" })
            Assert.That(double.IsFinite(last.GetProperty(key).GetDouble()), Is.True, key);
        var (weights, _) = SafeTensors.Read(Path.Combine(run, "checkpoints", "latest.safetensors"));
        foreach (var w in weights.Values) w.Dispose();
        Assert.That(weights.Keys, Has.Some.Contains("heads.regression.").And.Some.Contains("heads.denoiser.").And.Some.Contains("minibatch_std_conv."),
            "the discriminator's heads and minibatch-stddev conv are checkpointed");
    }

    [Test]
    public void Train_InitFromCheckpointOfAnotherShape_Exit2NamingKeyAndShapes()
    {
        var ddpmCheckpoint = TrainDdpm();
        var runs = Path.Combine(_dir, "guided-runs");
        var (exit, _, err) = Cli.Run("train", _guided, "--runs-dir", runs, "--data-root", _dataRoot,
            "--set", $"training.init.denoiser.path={ddpmCheckpoint}", "--set", "backbone.options.model_channels=32");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("training.init.denoiser.path").And.Contain(ddpmCheckpoint).And.Contain("has shape"));
        Assert.That(Directory.Exists(runs) ? Directory.GetDirectories(runs) : [], Is.Empty, "nothing written");
    }

    [Test]
    public void Train_InitMissingFileOrUnknownNetworkOrNetworkNotInCheckpoint_Exit2NamingTheKey()
    {
        var missing = Path.Combine(_dir, "nowhere.safetensors");
        var (exit, _, err) = Cli.Run("train", _guided, "--runs-dir", Path.Combine(_dir, "r1"), "--data-root", _dataRoot,
            "--set", $"training.init.denoiser.path={missing}");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("training.init.denoiser.path").And.Contain("no such file"));

        (exit, var output, err) = Cli.Run("validate", _guided, "--set", $"training.init.denoiser.path={missing}");
        Assert.That(exit, Is.EqualTo(2), output + err);   // validate names a missing weights file before a run is started
        Assert.That(err, Does.Contain("training.init.denoiser.path").And.Contain(missing).And.Contain("no such file"));

        (exit, _, err) = Cli.Run("validate", _guided, "--set", $"training.init.generator.path={missing}");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("training.init.generator").And.Contain("is not a network of 'classifier-guided'"));

        var ddpmCheckpoint = TrainDdpm();
        (exit, _, err) = Cli.Run("train", _guided, "--runs-dir", Path.Combine(_dir, "r2"), "--data-root", _dataRoot,
            "--set", $"training.init.denoiser.path={ddpmCheckpoint}", "--set", "training.init.denoiser.network=generator");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("no network 'generator'").And.Contain("its networks: denoiser"));
    }
}
