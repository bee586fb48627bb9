using System.Globalization;
using Research.Core.IO;
using Research.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Runs;

/// <summary>
/// A whole training state in one safetensors file: every network's weights (<c>net.&lt;network&gt;.*</c>),
/// EMA weights (<c>ema.*</c>), generator states (<c>rng.*</c>), and in the metadata the step, the resolved
/// configuration and each optimizer's state, and a SHA-256 of the data. Written atomically (temporary file,
/// flush, rename); loading verifies the checksum and never executes code.
/// </summary>
public static class Checkpoint
{
    /// <summary>Format tag stored in the metadata.</summary>
    public const string Format = "research-checkpoint/1";

    /// <summary>Writes the session's state to <paramref name="path"/> atomically.</summary>
    public static void Save(TrainingSession s, string path)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, net) in s.Parameterization.Networks)
            foreach (var (k, v) in net.state_dict()) tensors.Add(new($"net.{name}.{k}", v));
        foreach (var (name, ema) in s.Emas)
            foreach (var (k, v) in ema.State()) tensors.Add(new($"ema.{name}.{k}", v));
        using var dataState = s.DataGenerator.get_state();
        using var trainState = s.TrainGenerator.get_state();
        tensors.Add(new("rng.data", dataState));
        tensors.Add(new("rng.train", trainState));
        var meta = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["step"] = s.Step.ToString(CultureInfo.InvariantCulture),
            ["resolved_config"] = s.ResolvedJson,
        };
        foreach (var (name, opt) in s.Optimizers)
        {
            using var ms = new MemoryStream();
            using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) opt.save_state_dict(w);
            meta[$"optimizer.{name}"] = Convert.ToBase64String(ms.ToArray());
        }
        AtomicFile.Write(path, stream => SafeTensors.Write(stream, tensors, meta, checksum: true));
    }

    /// <summary>Reads only the metadata (step, resolved configuration) of a checkpoint.</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        var (tensors, meta) = SafeTensors.Read(path);
        foreach (var t in tensors.Values) t.Dispose();
        if (!meta.TryGetValue("format", out var f) || f != Format)
            throw new InvalidDataException($"{path}: not a research checkpoint (format '{f}')");
        return meta;
    }

    /// <summary>
    /// Restores weights, EMAs, optimizers, generators and step into <paramref name="s"/>. Refuses a checkpoint
    /// whose shapes or names differ from the session's networks.
    /// </summary>
    public static void Load(TrainingSession s, string path, bool weightsOnly = false)
    {
        var (tensors, meta) = SafeTensors.Read(path);
        try
        {
            if (!meta.TryGetValue("format", out var f) || f != Format)
                throw new InvalidDataException($"{path}: not a research checkpoint (format '{f}')");
            RequireSameArchitecture(meta.GetValueOrDefault("resolved_config"), s.ResolvedJson, path);
            using var _ = no_grad();
            foreach (var (name, net) in s.Parameterization.Networks)
                foreach (var (k, v) in net.state_dict())
                    CopyChecked(tensors, $"net.{name}.{k}", v, path);
            foreach (var (name, ema) in s.Emas)
                ema.Load(ema.State().ToDictionary(p => p.Key, p => Find(tensors, $"ema.{name}.{p.Key}", p.Value, path)));
            if (weightsOnly) return;
            s.DataGenerator.set_state(Find(tensors, "rng.data", null, path));
            s.TrainGenerator.set_state(Find(tensors, "rng.train", null, path));
            foreach (var (name, opt) in s.Optimizers)
            {
                if (!meta.TryGetValue($"optimizer.{name}", out var b64))
                    throw new InvalidDataException($"{path}: no optimizer state for network '{name}'");
                using var r = new BinaryReader(new MemoryStream(Convert.FromBase64String(b64)));
                opt.load_state_dict(r);
            }
            s.Step = long.Parse(meta["step"], CultureInfo.InvariantCulture);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>Sections that fix the networks' shapes and meaning; a resume or load refuses if any differs.</summary>
    public static readonly string[] ArchitectureSections = ["data", "backbone", "schedule", "parameterization"];

    // Compares the architecture sections key by key. A key only one side has is not a difference: an option added
    // since the checkpoint was written is absent from its configuration, and an option's default keeps the behaviour
    // from before the option existed (the rule for adding options, docs/adding-a-parameterization.md).
    private static void RequireSameArchitecture(string? saved, string current, string path)
    {
        if (saved is null) throw new InvalidDataException($"{path}: checkpoint has no resolved_config");
        var a = System.Text.Json.Nodes.JsonNode.Parse(saved)!.AsObject();
        var b = System.Text.Json.Nodes.JsonNode.Parse(current)!.AsObject();
        var differing = ArchitectureSections.SelectMany(k => Differences(a[k], b[k], k)).ToList();
        if (differing.Count > 0)
            throw new InvalidDataException($"{path}: the checkpoint was trained with different settings than this configuration "
                + $"({string.Join("; ", differing.Take(5))}); refusing to load");
    }

    /// <summary>Paths where <paramref name="saved"/> and <paramref name="current"/> both have a value and the values differ.</summary>
    public static IEnumerable<string> Differences(System.Text.Json.Nodes.JsonNode? saved, System.Text.Json.Nodes.JsonNode? current, string at)
    {
        if (saved is System.Text.Json.Nodes.JsonObject so && current is System.Text.Json.Nodes.JsonObject co)
        {
            foreach (var (key, value) in so)
                if (co.ContainsKey(key))
                    foreach (var d in Differences(value, co[key], $"{at}.{key}")) yield return d;
            yield break;
        }
        if (!System.Text.Json.Nodes.JsonNode.DeepEquals(saved, current))
            yield return $"{at}: {saved?.ToJsonString() ?? "null"} in the checkpoint, {current?.ToJsonString() ?? "null"} now";
    }

    private static void CopyChecked(Dictionary<string, Tensor> tensors, string key, Tensor target, string path)
    {
        var src = Find(tensors, key, target, path);
        target.copy_(src);
    }

    private static Tensor Find(Dictionary<string, Tensor> tensors, string key, Tensor? like, string path)
    {
        if (!tensors.TryGetValue(key, out var t)) throw new InvalidDataException($"{path}: missing tensor '{key}'");
        if (like is not null && !t.shape.SequenceEqual(like.shape))
            throw new InvalidDataException($"{path}: tensor '{key}' has shape [{string.Join(", ", t.shape)}], the network expects [{string.Join(", ", like.shape)}]");
        return t;
    }
}
