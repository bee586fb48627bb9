using Research.Core.IO;
using Research.Data.Images;
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
        var folder = Directory.CreateDirectory(Path.Combine(_dataRoot, "mnist")).FullName;
        const int n = 20;
        var pixels = new byte[n * 64];
        for (int i = 0; i < n; i++)
            for (int p = 0; p < 64; p++) pixels[i * 64 + p] = (byte)((p / 8 + p % 8 + i) % 10 < 5 ? 230 : 20);   // stripes
        IdxFile.Write(Path.Combine(folder, "train-images-idx3-ubyte.gz"), [n, 8, 8], pixels);
        IdxFile.Write(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), [n], Enumerable.Range(0, n).Select(i => (byte)(i % 10)).ToArray());
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
