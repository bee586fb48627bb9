using System.Text.Json;
using Research.Core.IO;
using static TorchSharp.torch;

namespace Research.IntegrationTests;

/// <summary>
/// A learned-Σ state dict written by guided-diffusion itself (tests/data/reference/parity/gd_unet_learn_sigma_64: a
/// <c>create_model(learn_sigma=True, …)</c> UNet, 64 px, class-conditional) used unchanged by the tools: loaded through
/// <c>training.init</c> by a ddpm-eps run configured as that model, imported with <c>research weights import</c> (every key,
/// bit for bit), and sampled with its learned Σ by <c>research sample</c>. Issue 22, item 4.
/// </summary>
[NonParallelizable]
public class GuidedDiffusionWeightsCliTests
{
    private const string Fixture = "gd_unet_learn_sigma_64";
    private string _dir = "";
    private string _experiment = "";

    private static string Parity(string file) => Path.Combine(Cli.RepoRoot, "tests", "data", "reference", "parity", file);

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("gd-weights-").FullName;
        _experiment = Path.Combine(_dir, "gd64.json");
        // The backbone options are the fixture's constructor arguments (attention_resolutions [2] there is the factor of 32 px here).
        File.WriteAllText(_experiment, $$"""
        {
          "name": "gd64", "device": "cpu", "threads": 1,
          "data": { "type": "synthetic-images", "options": { "count": 10, "image_size": 64, "channels": 3, "num_classes": 10 } },
          "backbone": { "type": "unet", "options": { "image_size": 64, "model_channels": 32, "num_res_blocks": 2, "attention_resolutions": [32],
                        "channel_mult": [1, 1], "num_heads": 1, "num_head_channels": 16, "use_scale_shift_norm": false,
                        "resblock_updown": false, "use_new_attention_order": true } },
          "schedule": { "type": "linear", "num_timesteps": 1000 },
          "parameterization": { "type": "ddpm-eps", "options": { "learn_sigma": true, "class_conditional": true } },
          "training": { "steps": 1, "batch_size": 2, "log_every": 1, "checkpoint_every": 1,
                        "init": { "denoiser": { "path": {{JsonSerializer.Serialize(Parity(Fixture + ".safetensors"))}} } } },
          "sampling": [ { "label": "learned 4", "steps": "4", "num_samples": 2, "labels": "cycle", "variance": "learned" } ]
        }
        """);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private static int StateDictEntries()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Parity(Fixture + ".config.json")));
        return doc.RootElement.GetProperty("state_dict_entries").GetInt32();
    }

    [Test]
    public void OfficialLearnSigmaStateDict_InitImportAndLearnedSigmaSampling_EveryKeyUnchanged()
    {
        var runs = Path.Combine(_dir, "runs");
        var (exit, output, err) = Cli.Run("train", _experiment, "--runs-dir", runs);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var run = Directory.GetDirectories(runs).Single();
        Assert.That(output + File.ReadAllText(Path.Combine(run, "log.txt")), Does.Contain($"denoiser: {StateDictEntries()} tensors from"),
            "training.init took every tensor of the official state dict");

        (exit, output, err) = Cli.Run("weights", "import", run, "denoiser", Parity(Fixture + ".safetensors"), "--as", "official");
        Assert.That(exit, Is.EqualTo(0), err + output);
        var (official, _) = SafeTensors.Read(Parity(Fixture + ".safetensors"));
        var (checkpoint, _) = SafeTensors.Read(Path.Combine(run, "checkpoints", "official.safetensors"));
        try
        {
            var imported = checkpoint.Keys.Where(k => k.StartsWith("net.denoiser.", StringComparison.Ordinal)).Select(k => k["net.denoiser.".Length..]);
            Assert.That(imported, Is.EquivalentTo(official.Keys), "the network's keys are the official ones, none missing or extra");
            foreach (var (k, v) in official)
            {
                Assert.That(checkpoint[$"net.denoiser.{k}"].shape, Is.EqualTo(v.shape), k);
                Assert.That(checkpoint[$"net.denoiser.{k}"].eq(v).all().item<bool>(), Is.True, $"net.denoiser.{k}");
                Assert.That(checkpoint[$"ema.denoiser.{k}"].eq(v).all().item<bool>(), Is.True, $"ema.denoiser.{k}");
            }
            Assert.That(official["out.2.weight"].shape[0], Is.EqualTo(6), "2C outputs: [ε, v]");
        }
        finally
        {
            foreach (var t in official.Values.Concat(checkpoint.Values)) t.Dispose();
        }

        (exit, output, err) = Cli.Run("sample", run, "--checkpoint", "official", "--variance", "learned", "--labels", "cycle",
            "--steps", "4", "--num-samples", "2", "--label", "official-learned");
        Assert.That(exit, Is.EqualTo(0), err + output);
        var (samples, _) = SafeTensors.Read(Path.Combine(run, "samples", "official-learned.safetensors"));
        try
        {
            Assert.That(samples["samples"].shape, Is.EqualTo(new long[] { 2, 3, 64, 64 }));
            Assert.That(samples["samples"].isfinite().all().item<bool>(), Is.True);
        }
        finally
        {
            foreach (var t in samples.Values) t.Dispose();
        }
    }

    [Test]
    public void Sample_ClassConditionalWithoutLabels_Exit2NamingLabels()
    {
        var runs = Path.Combine(_dir, "runs");
        Assert.That(Cli.Run("train", _experiment, "--runs-dir", runs).Exit, Is.EqualTo(0));
        var run = Directory.GetDirectories(runs).Single();
        var (exit, _, err) = Cli.Run("sample", run, "--variance", "learned", "--steps", "4", "--num-samples", "2");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--labels").And.Contain("class-conditional"));
        Assert.That(Directory.Exists(Path.Combine(run, "samples")) ? Directory.GetFiles(Path.Combine(run, "samples")) : [], Is.Empty, "nothing written");
    }
}
