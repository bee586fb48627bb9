using System.Text.Json.Nodes;
using Research.Core.IO;
using static TorchSharp.torch;

namespace Research.IntegrationTests;

/// <summary>
/// PyTorch <c>.pt</c> / <c>.pth</c> files written by PyTorch 1.13 (tests/data/pytorch) through <c>research weights import</c>
/// and <c>training.init</c>: a state dict with the 2-D MLP's keys imports with PyTorch's exact values and samples; a nested
/// checkpoint imports with <c>--key</c>; other keys or shapes are refused as for safetensors; a file whose pickle would run
/// code is refused naming the file, the global and its byte offset, exit code 2, nothing written.
/// </summary>
[NonParallelizable]
public class PyTorchImportCliTests
{
    private const string Experiment = """
    {
      "name": "pt",
      "device": "cpu",
      "threads": 1,
      "data": { "type": "gaussian-grid", "options": { "num_per_mode": 20 } },
      "backbone": { "type": "mlp", "options": { "hidden_dim": 4, "num_layers": 1, "time_embed_dim": 4 } },
      "schedule": { "type": "linear", "num_timesteps": 100 },
      "parameterization": { "type": "ddpm-eps" },
      "training": { "steps": 2, "batch_size": 16, "log_every": 2, "checkpoint_every": 2 },
      "sampling": [ { "label": "4 steps", "steps": "4", "num_samples": 16 } ],
      "evaluation": { "mmd_points": 50, "plot": false }
    }
    """;

    private static readonly string Fixtures = Path.Combine(Cli.RepoRoot, "tests", "data", "pytorch");
    private string _dir = "";
    private string _experiment = "";
    private string _run = "";

    [OneTimeSetUp]
    public void TrainOnce()
    {
        _dir = Directory.CreateTempSubdirectory("pytorch-import-").FullName;
        _experiment = Path.Combine(_dir, "e.json");
        File.WriteAllText(_experiment, Experiment);
        var (exit, _, err) = Cli.Run("train", _experiment, "--runs-dir", Path.Combine(_dir, "runs"));
        Assert.That(exit, Is.EqualTo(0), err);
        _run = Directory.GetDirectories(Path.Combine(_dir, "runs")).Single();
    }

    [OneTimeTearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void WeightsImport_PthWrittenByPyTorch_CheckpointHoldsItsExactValues_AndSamples()
    {
        var (exit, output, err) = Cli.Run("weights", "import", _run, "denoiser", Path.Combine(Fixtures, "mlp-tiny.pth"), "--as", "torch");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("Imported 12 tensors into 'denoiser' and its EMA"));
        AssertHoldsMlpTiny(Path.Combine(_run, "checkpoints", "torch.safetensors"));
        (exit, output, err) = Cli.Run("sample", _run, "--checkpoint", "torch", "--num-samples", "4", "--steps", "4", "--label", "torch");
        Assert.That(exit, Is.EqualTo(0), err + output);
    }

    [Test]
    public void WeightsImport_NestedCheckpoint_Exit2WithoutKeyNamingTheDicts_ImportsWithKey()
    {
        var nested = Path.Combine(Fixtures, "nested.pt");
        var (exit, _, err) = Cli.Run("weights", "import", _run, "denoiser", nested, "--as", "nested");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(nested).And.Contain("netG_dict (choose one with --key)"));
        Assert.That(File.Exists(Path.Combine(_run, "checkpoints", "nested.safetensors")), Is.False);
        (exit, _, err) = Cli.Run("weights", "import", _run, "denoiser", nested, "--as", "nested", "--key", "netG_dict");
        Assert.That(exit, Is.EqualTo(0), err);
        AssertHoldsMlpTiny(Path.Combine(_run, "checkpoints", "nested.safetensors"));
    }

    [Test]
    public void WeightsImport_OtherKeysOrCodeInThePickle_Exit2NamingTheFile_NothingWritten()
    {
        var before = CorruptCheckpointCliTests.Snapshot(_dir);
        var other = Path.Combine(Fixtures, "dtypes.pt");
        var (exit, _, err) = Cli.Run("weights", "import", _run, "denoiser", other, "--as", "other");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(other).And.Contain("missing key 'input.weight' [4, 2]").And.Contain("unexpected key 'num_batches_tracked' []"));

        var malicious = Path.Combine(Fixtures, "malicious.pt");
        (exit, var output, err) = Cli.Run("weights", "import", _run, "denoiser", malicious, "--as", "evil");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.StartWith($"error: {malicious}: member 'malicious/data.pkl': byte ").And.Contain("'posix.system' is not allowed"));
        Assert.That(err.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1), "one line, no stack trace");
        Assert.That(output, Is.Empty);
        Assert.That(CorruptCheckpointCliTests.Snapshot(_dir), Is.EqualTo(before));
    }

    [Test]
    public void TrainingInit_Pth_Loads_OtherShapeOrMaliciousFile_Exit2NamingTheKey_NoRunFolder()
    {
        var pth = Path.Combine(Fixtures, "mlp-tiny.pth");
        var runs = Path.Combine(_dir, "init-runs");
        var (exit, output, err) = Cli.Run("train", _experiment, "--runs-dir", runs, "--set", $"training.init.denoiser.path={pth}");
        Assert.That(exit, Is.EqualTo(0), err);
        var run = Directory.GetDirectories(runs).Single();
        Assert.That(File.ReadAllText(Path.Combine(run, "log.txt")), Does.Contain($"denoiser: 12 tensors from {pth} (the state dict)"));

        var shapes = Path.Combine(_dir, "shape-runs");
        (exit, _, err) = Cli.Run("train", _experiment, "--runs-dir", shapes, "--set", $"training.init.denoiser.path={pth}",
            "--set", "backbone.options.hidden_dim=8");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("training.init.denoiser.path").And.Contain("key 'input.weight' has shape [4, 2], network 'denoiser' expects [8, 2]"));
        Assert.That(Directory.Exists(shapes) ? Directory.GetDirectories(shapes) : [], Is.Empty, "nothing written");

        var malicious = Path.Combine(Fixtures, "malicious.pt");
        var bad = Path.Combine(_dir, "bad-runs");
        (exit, _, err) = Cli.Run("train", _experiment, "--runs-dir", bad, "--set", $"training.init.denoiser.path={malicious}");
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("training.init.denoiser.path").And.Contain(malicious).And.Contain("'posix.system' is not allowed"));
        Assert.That(Directory.Exists(bad) ? Directory.GetDirectories(bad) : [], Is.Empty, "nothing written");
    }

    // The checkpoint's live and EMA denoiser weights are the values PyTorch wrote into mlp-tiny.pth (expected.json).
    private static void AssertHoldsMlpTiny(string checkpoint)
    {
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(Fixtures, "expected.json")))!["mlp-tiny.pth"]!.AsObject();
        var (tensors, meta) = SafeTensors.Read(checkpoint);
        try
        {
            Assert.That(meta["imported_network"], Is.EqualTo("denoiser"));
            foreach (var (key, node) in expected)
            {
                var values = node!["values"]!.AsArray().Select(v => (float)v!.GetValue<double>()).ToArray();
                foreach (var prefix in new[] { "net", "ema" })
                {
                    var t = tensors[$"{prefix}.denoiser.{key}"];
                    Assert.That(t.shape, Is.EqualTo(node["shape"]!.AsArray().Select(d => d!.GetValue<long>())), key);
                    Assert.That(t.dtype, Is.EqualTo(ScalarType.Float32));
                    Assert.That(t.data<float>().ToArray(), Is.EqualTo(values), $"{prefix}.denoiser.{key}");
                }
            }
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
