using Research.Core.IO;
using Research.Data.Images;
using Research.Evaluation.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.IntegrationTests;

/// <summary>
/// Images end to end through configuration alone: DDPM with the <c>unet</c> backbone on generated 8×8 idx files
/// (<c>mnist</c> key), and <c>research weights export|import</c> on the run's checkpoint.
/// </summary>
[NonParallelizable]
public class ImageCliTests
{
    private string _dir = "";
    private string _experiment = "";
    private string _dataRoot = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("cli-img-").FullName;
        _dataRoot = Path.Combine(_dir, "data");
        TinyMnist.Write(_dataRoot);
        _experiment = Path.Combine(_dir, "tiny-images.json");
        File.WriteAllText(_experiment, """
        {
          "name": "tiny-images",
          "device": "cpu",
          "data": { "type": "mnist", "options": { "image_size": 0, "flip": true } },
          "backbone": { "type": "unet", "options": { "image_size": 8, "model_channels": 8, "num_res_blocks": 1, "attention_resolutions": [4],
                                                    "channel_mult": [1, 2], "num_heads": 2, "resblock_updown": true } },
          "schedule": { "type": "linear", "num_timesteps": 50 },
          "parameterization": { "type": "ddpm-eps" },
          "training": { "steps": 2, "batch_size": 4, "log_every": 1, "checkpoint_every": 2 },
          "sampling": [ { "label": "ddim 4", "steps": "ddim4", "sampler": "ddim", "num_samples": 3 } ]
        }
        """);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private string Train()
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, output, err) = Cli.Run("train", _experiment, "--runs-dir", runs, "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(0), err + output);
        return Directory.GetDirectories(runs).Single();
    }

    [Test]
    public void Run_DdpmWithUNetOnImages_TrainsAndSamplesImageShapedOutput()
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, output, err) = Cli.Run("run", _experiment, "--runs-dir", runs, "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var run = Directory.GetDirectories(Directory.GetDirectories(runs).Single()).Single();
        Assert.That(File.Exists(Path.Combine(run, "samples", "ddim-4.png")), Is.True, "sample grid");
        Assert.That(File.ReadAllText(Path.Combine(run, "log.txt")), Does.Contain("[WRN] evaluation.features is not set"), "warned that image samples get no metrics");
        var (samples, _) = SafeTensors.Read(Path.Combine(run, "samples", "ddim-4.safetensors"));
        try
        {
            Assert.That(samples["samples"].shape, Is.EqualTo(new long[] { 3, 1, 8, 8 }));
            Assert.That(samples["samples"].isfinite().all().item<bool>(), Is.True);
        }
        finally
        {
            foreach (var t in samples.Values) t.Dispose();
        }
    }

    private string FeatureFile() => TinyMnist.FeatureFile(_dir, 11);

    [Test]
    public void Eval_SetFeatureExtractorAndSampling_ScoresAFinishedRunWithoutChangingIt()
    {
        var run = Train();
        var resolvedBefore = File.ReadAllText(Path.Combine(run, "resolved.json"));
        var cache = Path.Combine(_dir, "stats");

        var (exit, output, err) = Cli.Run("eval", run, "--data-root", _dataRoot,
            "--set", "evaluation.features.type=cnn", "--set", $"evaluation.features.path={FeatureFile()}",
            "--set", "evaluation.reference_images=16", "--set", $"evaluation.stats_cache={cache}",
            "--set", "sampling[0].num_samples=6", "--set", "sampling[0].label=ddim 4 scored");

        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(output, Does.Contain("fid").And.Contain("precision").And.Contain("ddim 4 scored"));
        Assert.That(File.Exists(Path.Combine(run, "samples", "ddim-4-scored.png")), Is.True, "sample grid");
        Assert.That(Directory.GetFiles(cache), Has.Length.EqualTo(2), "reference features + statistics cached");
        var last = System.Text.Json.JsonDocument.Parse(File.ReadLines(Path.Combine(run, "metrics.jsonl")).Last()).RootElement;
        Assert.That(last.GetProperty("eval").GetString(), Is.EqualTo("ddim 4 scored"));
        Assert.That(last.GetProperty("fid").GetDouble(), Is.GreaterThanOrEqualTo(0));
        Assert.That(last.GetProperty("precision").GetDouble(), Is.InRange(0, 1));
        Assert.That(last.GetProperty("feature_extractor").GetString(), Is.EqualTo("cnn-mnist"));
        Assert.That(last.GetProperty("reference_images").GetInt64(), Is.EqualTo(16));
        Assert.That(File.ReadAllText(Path.Combine(run, "resolved.json")), Is.EqualTo(resolvedBefore), "overrides are for this evaluation only");
    }

    [Test]
    public void Eval_SetUnknownKey_Exit2NamingIt()
    {
        var run = Train();
        var (exit, _, err) = Cli.Run("eval", run, "--data-root", _dataRoot, "--set", "evaluation.featurez.type=cnn");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--set: evaluation.featurez"));
    }

    [Test]
    public void Eval_SetMissingFeatureFile_Exit2NamingTheKeyAndTheFile()
    {
        var run = Train();
        var missing = Path.Combine(_dir, "nowhere", "cnn.safetensors");
        var (exit, _, err) = Cli.Run("eval", run, "--data-root", _dataRoot,
            "--set", "evaluation.features.type=cnn", "--set", $"evaluation.features.path={missing}", "--set", "sampling[0].num_samples=4");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--set: evaluation.features.path").And.Contain(missing));
    }

    [Test]
    public void Train_FeatureCnnTrainedOnAnotherImageSize_Exit2NamingTheKeyAndBothSizes()
    {
        manual_seed(11);
        var path = Path.Combine(_dir, "features", "cnn-32.safetensors");
        using (var extractor = new CnnFeatureExtractor(new FeatureCnn(new FeatureCnnOptions { Width = 16, FeatureDim = 8 }), "mnist") { TrainedImageSize = 32 })
            extractor.Save(path);
        var runs = Path.Combine(_dir, "runs");
        var (exit, _, err) = Cli.Run("train", _experiment, "--runs-dir", runs, "--data-root", _dataRoot,
            "--set", "evaluation.features.type=cnn", "--set", $"evaluation.features.path={path}", "--set", "sampling[0].num_samples=4");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("evaluation.features.path").And.Contain("trained on 32×32 images but the data are 8×8"));
        Assert.That(Directory.Exists(runs) ? Directory.GetDirectories(runs) : [], Is.Empty, "nothing written");
    }

    [Test]
    public void Train_CorruptFeatureFile_Exit2BeforeAnyRunFolderExists()
    {
        var corrupt = Path.Combine(_dir, "corrupt.safetensors");
        File.WriteAllText(corrupt, "not a safetensors file at all");
        var runs = Path.Combine(_dir, "runs");
        var (exit, _, err) = Cli.Run("train", _experiment, "--runs-dir", runs, "--data-root", _dataRoot,
            "--set", "evaluation.features.type=cnn", "--set", $"evaluation.features.path={corrupt}", "--set", "sampling[0].num_samples=4");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("evaluation.features.path").And.Contain(corrupt));
        Assert.That(Directory.Exists(runs) ? Directory.GetDirectories(runs) : [], Is.Empty, "nothing written");
    }

    [Test]
    public void WeightsExportThenImport_SameFile_NewCheckpointWithThoseWeightsThatSamples()
    {
        var run = Train();
        var exported = Path.Combine(_dir, "denoiser.safetensors");
        var (exit, output, err) = Cli.Run("weights", "export", run, "denoiser", exported, "--ema");
        Assert.That(exit, Is.EqualTo(0), err);
        var (weights, meta) = SafeTensors.Read(exported);
        try
        {
            Assert.That(weights.Keys, Has.Member("input_blocks.0.0.weight").And.Member("middle_block.1.qkv.weight")
                .And.Member("output_blocks.0.0.skip_connection.weight").And.Member("out.2.weight"));
            Assert.That(meta["network"], Is.EqualTo("denoiser"));
            using (no_grad())
                weights["out.2.weight"].add_(1.0);                              // make the import observable
            SafeTensors.Write(exported, weights, meta);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
        (exit, output, err) = Cli.Run("weights", "import", run, "denoiser", exported, "--as", "golden");
        Assert.That(exit, Is.EqualTo(0), err);
        var golden = Path.Combine(run, "checkpoints", "golden.safetensors");
        var (ckpt, ckptMeta) = SafeTensors.Read(golden);
        var (source, _) = SafeTensors.Read(exported);
        try
        {
            Assert.That(ckptMeta["imported_network"], Is.EqualTo("denoiser"));
            foreach (var (k, v) in source)
            {
                Assert.That(ckpt[$"net.denoiser.{k}"].eq(v).all().item<bool>(), Is.True, $"net.denoiser.{k}");
                Assert.That(ckpt[$"ema.denoiser.{k}"].eq(v).all().item<bool>(), Is.True, $"ema.denoiser.{k}");
            }
        }
        finally
        {
            foreach (var t in ckpt.Values.Concat(source.Values)) t.Dispose();
        }
        (exit, output, err) = Cli.Run("sample", run, "--checkpoint", "golden", "--num-samples", "2", "--label", "golden", "--steps", "ddim4", "--sampler", "ddim", "--data-root", _dataRoot);
        Assert.That(exit, Is.EqualTo(0), err + output);
    }

    [Test]
    public void WeightsImport_ShapeMismatch_Exit2NamingTheKeyAndWritesNothing()
    {
        var run = Train();
        var exported = Path.Combine(_dir, "denoiser.safetensors");
        Assert.That(Cli.Run("weights", "export", run, "denoiser", exported).Exit, Is.EqualTo(0));
        var (weights, meta) = SafeTensors.Read(exported);
        try
        {
            weights["out.2.weight"].Dispose();
            weights["out.2.weight"] = zeros(2, 8, 3, 3);
            SafeTensors.Write(exported, weights, meta);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
        var (exit, _, err) = Cli.Run("weights", "import", run, "denoiser", exported);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("'out.2.weight' has shape [2, 8, 3, 3], network 'denoiser' expects [1, 8, 3, 3]"));
        Assert.That(File.Exists(Path.Combine(run, "checkpoints", "imported.safetensors")), Is.False);

        var (exit2, _, err2) = Cli.Run("weights", "export", run, "generator", exported);
        Assert.That(exit2, Is.EqualTo(2));
        Assert.That(err2, Does.Contain("networks in it: denoiser"));
    }
}
