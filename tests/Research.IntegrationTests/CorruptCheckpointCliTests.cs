using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Research.Core.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.IntegrationTests;

/// <summary>
/// Every kind of corrupt checkpoint the checks know, given to each command that reads one: <c>research eval</c>, <c>research
/// sample</c>, <c>research train --resume</c>, <c>training.init</c> and <c>research weights export</c>. Each is refused with exit code 2, one error naming the
/// file, the tensor or key and a byte offset, no stack trace, and nothing written: the run folder stays byte-identical and
/// no new run folder appears.
/// </summary>
[NonParallelizable]
public class CorruptCheckpointCliTests
{
    private const string Experiment = """
    {
      "name": "corrupt",
      "device": "cpu",
      "threads": 1,
      "data": { "type": "gaussian-grid", "options": { "num_per_mode": 20 } },
      "backbone": { "type": "mlp", "options": { "hidden_dim": 16, "num_layers": 2, "time_embed_dim": 8 } },
      "schedule": { "type": "linear", "num_timesteps": 100 },
      "parameterization": { "type": "ddpm-eps" },
      "training": { "steps": 4, "batch_size": 16, "log_every": 2, "checkpoint_every": 2 },
      "sampling": [ { "label": "4 steps", "steps": "4", "num_samples": 16 } ],
      "evaluation": { "mmd_points": 50, "plot": false }
    }
    """;

    private string _template = "";   // a trained run, copied for each test
    private string _dir = "";
    private string _run = "";

    [OneTimeSetUp]
    public void TrainOnce()
    {
        _template = Directory.CreateTempSubdirectory("corrupt-template-").FullName;
        var experiment = Path.Combine(_template, "e.json");
        File.WriteAllText(experiment, Experiment);
        var (exit, _, err) = Cli.Run("train", experiment, "--runs-dir", Path.Combine(_template, "runs"));
        Assert.That(exit, Is.EqualTo(0), err);
    }

    [OneTimeTearDown]
    public void RemoveTemplate() => Directory.Delete(_template, true);

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("corrupt-").FullName;
        var source = Directory.GetDirectories(Path.Combine(_template, "runs")).Single();
        _run = Path.Combine(_dir, Path.GetFileName(source));
        CopyTree(source, _run);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    /// <summary>The kinds of corruption: each edits the checkpoint in place and returns what the error must name.</summary>
    public static readonly IReadOnlyDictionary<string, Func<string, string>> Kinds = new Dictionary<string, Func<string, string>>
    {
        // A weight relabelled I32 (same bytes), the checksum recomputed: a converted copy would train with values ~1e9.
        ["weight relabelled I32"] = path => Rewrite(path, (t, _) =>
        {
            var key = FirstMatrix(t, "net.");
            var relabelled = empty(t[key].shape, ScalarType.Int32);
            relabelled.bytes = t[key].bytes;
            Replace(t, key, relabelled);
            return key;
        }),
        ["EMA all +Inf"] = path => Rewrite(path, (t, _) =>
        {
            var key = FirstMatrix(t, "ema.");
            t[key].fill_(double.PositiveInfinity);
            return key;
        }),
        ["one NaN weight"] = path => Rewrite(path, (t, _) =>
        {
            var key = FirstMatrix(t, "net.");
            using var first = t[key][0, 0];
            first.fill_(float.NaN);
            return key;
        }),
        ["negative step"] = path => Rewrite(path, (_, m) => { m["step"] = "-5"; return "step"; }),
        ["step past training.steps"] = path => Rewrite(path, (_, m) => { m["step"] = "1000000"; return "step"; }),
        ["RNG state of the wrong size"] = path => Rewrite(path, (t, _) => { Replace(t, "rng.data", zeros(100, ScalarType.Byte)); return "rng.data"; }),
        // Format 2 keeps each optimizer moment in the body: one of another shape, one with a NaN.
        ["optimizer moment of the wrong shape"] = path => Rewrite(path, (t, _) =>
        {
            var key = FirstMatrix(t, "optim.", ".exp_avg");
            Replace(t, key, zeros(3));
            return key;
        }),
        ["NaN optimizer moment"] = path => Rewrite(path, (t, _) =>
        {
            var key = FirstMatrix(t, "optim.", ".exp_avg_sq");
            using var first = t[key][0, 0];
            first.fill_(float.NaN);
            return key;
        }),
        ["embedded config not JSON"] = path => Rewrite(path, (_, m) => { m["resolved_config"] = "{\"data\": "; return "resolved_config"; }),
        // The rest edit the header's bytes and leave the checksum as it was.
        ["checksum removed"] = path => EditHeader(path, h =>
        {
            var meta = h["__metadata__"]!.AsObject();
            foreach (var key in meta.Select(p => p.Key).Where(k => k.StartsWith("sha256", StringComparison.Ordinal)).ToList()) meta.Remove(key);
            return (h.ToJsonString(), "checksum");
        }),
        ["header byte changed, step 4 to 3"] = path => EditHeader(path, h =>
        {
            var json = h.ToJsonString();
            Assert.That(json, Does.Contain("\"step\":\"4\""));
            return (json.Replace("\"step\":\"4\"", "\"step\":\"3\"", StringComparison.Ordinal), "checksum");
        }),
        ["two tensors sharing one byte range"] = path => EditHeader(path, h =>
        {
            var a = FirstMatrixName(h, "net.");
            var b = "ema." + a["net.".Length..];
            h[b]!["data_offsets"] = h[a]!["data_offsets"]!.DeepClone();
            return (h.ToJsonString(), b);
        }),
        ["header is an array"] = path => EditHeader(path, h => ("[" + h.ToJsonString() + "]", "JSON object")),
        ["entry without shape"] = path => EditHeader(path, h =>
        {
            var key = FirstMatrixName(h, "net.");
            h[key]!.AsObject().Remove("shape");
            return (h.ToJsonString(), key);
        }),
        ["negative shape"] = path => EditHeader(path, h =>
        {
            var key = FirstMatrixName(h, "net.");
            h[key]!["shape"] = new JsonArray(-1, -Numel(h[key]!));
            return (h.ToJsonString(), key);
        }),
        // 4 * (2^62 + n) wraps around to the entry's 4n bytes in 64-bit arithmetic.
        ["shape overflowing 64 bits"] = path => EditHeader(path, h =>
        {
            var key = FirstMatrixName(h, "net.");
            h[key]!["shape"] = new JsonArray((1L << 62) + Numel(h[key]!));
            return (h.ToJsonString(), key);
        }),
        ["duplicate tensor name"] = path => EditHeader(path, h =>
        {
            var key = FirstMatrixName(h, "net.");
            var json = h.ToJsonString();
            var entry = $"\"{key}\":{h[key]!.ToJsonString()}";
            Assert.That(json, Does.Contain(entry));
            return (json.Replace(entry, entry + "," + entry, StringComparison.Ordinal), key);
        }),
    };

    private static readonly string[] Commands = ["eval", "sample", "train --resume", "training.init", "weights export"];

    private static IEnumerable<TestCaseData> Cases() =>
        from kind in Kinds.Keys from command in Commands select new TestCaseData(kind, command).SetName($"{command}: {kind}");

    [TestCaseSource(nameof(Cases))]
    public void CorruptCheckpoint_IsRefusedWithExitCode2NamingFileTensorAndOffset_NothingWritten(string kind, string command)
    {
        var latest = Path.Combine(_run, "checkpoints", "latest.safetensors");
        string fragment = Kinds[kind](latest);
        var before = Snapshot(_dir);

        var (exit, _, err) = command switch
        {
            "eval" => Cli.Run("eval", _run),
            "sample" => Cli.Run("sample", _run, "--num-samples", "8"),
            "train --resume" => Cli.Run("train", "--resume", _run, "--set", "training.steps=6"),
            "weights export" => Cli.Run("weights", "export", _run, "denoiser", Path.Combine(_dir, "exported.safetensors")),
            _ => TrainWithInit(latest),
        };
        TestContext.Out.WriteLine(err);

        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(latest).And.Contain(fragment).And.Contain("byte "), "names the file, the tensor or key and the byte offset");
        Assert.That(err, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(Snapshot(_dir), Is.EqualTo(before), "nothing written, nothing removed");
    }

    [Test]
    public void UntouchedCheckpoint_IsAcceptedByEveryCommand()
    {
        var latest = Path.Combine(_run, "checkpoints", "latest.safetensors");
        Assert.That(Cli.Run("sample", _run, "--num-samples", "8").Exit, Is.EqualTo(0));
        var (exit, _, err) = TrainWithInit(latest);
        Assert.That(exit, Is.EqualTo(0), err);
        (exit, _, err) = Cli.Run("train", "--resume", _run, "--set", "training.steps=6");
        Assert.That(exit, Is.EqualTo(0), err);
    }

    // A plain state dict (as weights export writes it) with one NaN: refused by weights import and by training.init.
    [Test]
    public void StateDictWithNaN_IsRefusedByWeightsImportAndTrainingInit_NothingWritten()
    {
        var exported = Path.Combine(_dir, "denoiser.safetensors");
        var (exit, _, err) = Cli.Run("weights", "export", _run, "denoiser", exported);
        Assert.That(exit, Is.EqualTo(0), err);
        string key = Rewrite(exported, (t, _) =>
        {
            var k = FirstMatrix(t, "");
            using var last = t[k][-1, -1];
            last.fill_(float.NaN);
            return k;
        });
        var before = Snapshot(_dir);

        (exit, _, err) = Cli.Run("weights", "import", _run, "denoiser", exported);
        TestContext.Out.WriteLine(err);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(exported).And.Contain(key).And.Contain("NaN").And.Contain("byte "));
        (exit, _, err) = TrainWithInit(exported);
        TestContext.Out.WriteLine(err);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(exported).And.Contain(key).And.Contain("NaN"));
        Assert.That(Snapshot(_dir), Is.EqualTo(before));
    }

    // tests/data/checkpoints/legacy-sha256: a 2-step run written before the checksum covered the header (its checksum is
    // __metadata__.sha256, the SHA-256 of the data section). It still loads, verified that way, and a resume rewrites it with
    // the header-covering checksum.
    [Test]
    public void LegacyDataOnlyChecksum_IsEvaluatedAndResumed_AndTheResumedCheckpointCoversItsHeader()
    {
        var legacy = Path.Combine(_dir, "legacy");
        CopyTree(Path.Combine(Cli.RepoRoot, "tests", "data", "checkpoints", "legacy-sha256"), legacy);
        var latest = Path.Combine(legacy, "checkpoints", "latest.safetensors");
        Assert.That(HeaderText(latest), Does.Contain("\"sha256\":").And.Not.Contain("sha256_file"));

        var (exit, _, err) = Cli.Run("eval", legacy);
        Assert.That(exit, Is.EqualTo(0), err);
        (exit, _, err) = Cli.Run("train", "--resume", legacy, "--set", "training.steps=3");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(HeaderText(latest), Does.Contain("\"sha256_file\":").And.Contain("\"step\":\"3\""));
    }

    [Test]
    public void LegacyDataOnlyChecksum_WithAFlippedDataByte_IsRefused()
    {
        var legacy = Path.Combine(_dir, "legacy");
        CopyTree(Path.Combine(Cli.RepoRoot, "tests", "data", "checkpoints", "legacy-sha256"), legacy);
        var latest = Path.Combine(legacy, "checkpoints", "latest.safetensors");
        var bytes = File.ReadAllBytes(latest);
        bytes[^3] ^= 0x10;
        File.WriteAllBytes(latest, bytes);

        var (exit, _, err) = Cli.Run("eval", legacy);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(latest).And.Contain("checksum mismatch").And.Contain("data section"));
    }

    private static string HeaderText(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return Encoding.UTF8.GetString(bytes, 8, (int)BitConverter.ToInt64(bytes, 0));
    }

    // research train of a new experiment whose denoiser starts from the checkpoint (its runs folder lies inside _dir).
    private (int Exit, string Out, string Err) TrainWithInit(string checkpoint)
    {
        var node = JsonNode.Parse(Experiment)!.AsObject();
        node["training"]!["init"] = new JsonObject { ["denoiser"] = new JsonObject { ["path"] = checkpoint } };
        var experiment = Path.Combine(_template, $"init-{Guid.NewGuid():N}.json");
        File.WriteAllText(experiment, node.ToJsonString());
        try
        {
            return Cli.Run("train", experiment, "--runs-dir", Path.Combine(_dir, "init-runs"));
        }
        finally
        {
            File.Delete(experiment);
        }
    }

    // Reads the checkpoint, lets the edit change tensors and metadata, writes it back with a checksum of the result.
    internal static string Rewrite(string path, Func<Dictionary<string, Tensor>, Dictionary<string, string>, string> edit)
    {
        var (tensors, meta) = SafeTensors.Read(path);
        try
        {
            string fragment = edit(tensors, meta);
            AtomicFile.Write(path, s => SafeTensors.Write(s, tensors, meta, checksum: true));
            return fragment;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    // Replaces the header by the edit's JSON text, keeping the data section (and so a stale checksum) as it was.
    private static string EditHeader(string path, Func<JsonObject, (string Json, string Fragment)> edit)
    {
        var bytes = File.ReadAllBytes(path);
        int n = (int)BitConverter.ToInt64(bytes, 0);
        var header = JsonNode.Parse(bytes.AsSpan(8, n))!.AsObject();
        var (json, fragment) = edit(header);
        var text = Encoding.UTF8.GetBytes(json);
        int pad = (8 - text.Length % 8) % 8;
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((long)(text.Length + pad)), .. text, .. Enumerable.Repeat((byte)' ', pad), .. bytes[(8 + n)..]]);
        return fragment;
    }

    private static string FirstMatrix(Dictionary<string, Tensor> tensors, string prefix, string suffix = "") =>
        tensors.Keys.First(k => k.StartsWith(prefix, StringComparison.Ordinal) && k.EndsWith(suffix, StringComparison.Ordinal) && tensors[k].dim() == 2);

    private static string FirstMatrixName(JsonObject header, string prefix) =>
        header.First(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Value!["shape"]!.AsArray().Count == 2).Key;

    private static long Numel(JsonNode entry) => entry["shape"]!.AsArray().Aggregate(1L, (a, d) => a * d!.GetValue<long>());

    private static void Replace(Dictionary<string, Tensor> tensors, string key, Tensor value)
    {
        tensors[key].Dispose();
        tensors[key] = value;
    }

    // Every file below the folder (relative path → SHA-256).
    internal static Dictionary<string, string> Snapshot(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(folder, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    internal static void CopyTree(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
