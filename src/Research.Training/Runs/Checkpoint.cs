using System.Globalization;
using Research.Core.IO;
using Research.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Runs;

/// <summary>
/// A whole training state in one safetensors file, every tensor in the body: each network's weights
/// (<c>net.&lt;network&gt;.&lt;parameter or buffer&gt;</c>), EMA weights (<c>ema.*</c>), optimizer moments and step counts
/// (<c>optim.&lt;network&gt;.&lt;parameter&gt;.{exp_avg, exp_avg_sq, step}</c>, <see cref="CheckpointOptimizer"/>) and generator
/// states (<c>rng.data</c>, <c>rng.train</c>, U8). The header's metadata stays small: the format, the step, the resolved
/// configuration, each optimizer's type and group options, and a SHA-256 of the whole file, header included. Written
/// atomically (temporary file, flush, rename); read by offsets (<see cref="SafeTensorsFile"/>), never whole; loading checks
/// everything (<see cref="CheckpointValidator"/>) before it changes anything, and never executes code. Checkpoints of format 1
/// (optimizer states base64-encoded in the header) still load and resume.
/// </summary>
public static class Checkpoint
{
    /// <summary>Format tag written in the metadata: optimizer states are tensors in the body.</summary>
    public const string Format = "research-checkpoint/2";

    /// <summary>Format tag of older checkpoints, still read: each optimizer state base64-encoded in <c>__metadata__.optimizer.&lt;network&gt;</c>.</summary>
    public const string LegacyFormat = "research-checkpoint/1";

    /// <summary>Whether <paramref name="format"/> (<c>__metadata__.format</c>) is that of a research checkpoint of any version.</summary>
    public static bool IsCheckpoint(string? format) => format is Format or LegacyFormat;

    /// <summary>Whether the checkpoint is of the current format (else <see cref="LegacyFormat"/>).</summary>
    public static bool IsCurrent(SafeTensorsLayout layout) => layout.Metadata.GetValueOrDefault("format") == Format;

    /// <summary>Writes the session's state to <paramref name="path"/> atomically.</summary>
    public static void Save(TrainingSession s, string path)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var owned = new List<Tensor>();
        try
        {
            foreach (var (name, net) in s.Parameterization.Networks)
                foreach (var (k, v) in net.state_dict()) tensors.Add(new($"net.{name}.{k}", v));
            foreach (var (name, ema) in s.Emas)
                foreach (var (k, v) in ema.State()) tensors.Add(new($"ema.{name}.{k}", v));
            var meta = new Dictionary<string, string>
            {
                ["format"] = Format,
                ["step"] = s.Step.ToString(CultureInfo.InvariantCulture),
                ["resolved_config"] = s.ResolvedJson,
            };
            foreach (var (name, opt) in s.Optimizers)
            {
                var (json, state) = CheckpointOptimizer.Split(name, s.Parameterization.Networks[name], opt);
                owned.AddRange(state.Select(p => p.Value));
                tensors.AddRange(state);
                meta[CheckpointOptimizer.MetadataPrefix + name] = json;
            }
            var dataState = s.DataGenerator.get_state();
            owned.Add(dataState);
            var trainState = s.TrainGenerator.get_state();
            owned.Add(trainState);
            tensors.Add(new("rng.data", dataState));
            tensors.Add(new("rng.train", trainState));
            AtomicFile.Write(path, stream => SafeTensors.Write(stream, tensors, meta, checksum: true));
        }
        finally
        {
            foreach (var t in owned) t.Dispose();
        }
    }

    /// <summary>Reads only the metadata (step, resolved configuration) of a checkpoint, after checking all of it (<see cref="Validate"/>).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        using var file = Validate(path, CheckpointExpectations.WeightsOnly());
        return file.Layout.Metadata;
    }

    /// <summary>
    /// Opens and checks the whole checkpoint before anything is built: its layout and checksum (<see cref="SafeTensorsLayout"/>),
    /// then <see cref="CheckpointValidator"/>. Returns it open (the caller disposes it).
    /// </summary>
    /// <exception cref="InvalidDataException">Naming the file, the tensor or key and the byte offset.</exception>
    public static SafeTensorsFile Validate(string path, CheckpointExpectations expect)
    {
        var file = SafeTensorsFile.Open(path);
        try
        {
            CheckpointValidator.Validate(file, expect);
            return file;
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Restores weights, EMAs, optimizers, generators and step into <paramref name="s"/>. Everything is checked before the
    /// first tensor is copied: the file (<see cref="Validate"/>), then its match with the session (architecture sections, every
    /// tensor's name, shape and dtype, the generator states' sizes, each optimizer's type and parameters).
    /// </summary>
    public static void Load(TrainingSession s, string path, bool weightsOnly = false)
    {
        using var file = Validate(path, new CheckpointExpectations(
            CheckpointExpectations.StateBytes(s.DataGenerator.device), CheckpointExpectations.StateBytes(s.TrainGenerator.device)));
        var layout = file.Layout;
        var meta = layout.Metadata;
        RequireSameArchitecture(layout, s.ResolvedJson, s.Family.OptionsType);
        var targets = new List<(SafeTensorsEntry Entry, Tensor Target)>();
        foreach (var (name, net) in s.Parameterization.Networks)
        {
            targets.AddRange(Match(layout, $"net.{name}.", net.state_dict()));
            if (!weightsOnly && s.Optimizers.GetValueOrDefault(name) is { } opt) CheckpointOptimizer.RequireFits(file, name, opt, net);
        }
        foreach (var (name, ema) in s.Emas) targets.AddRange(Match(layout, $"ema.{name}.", ema.State()));
        using (no_grad())
            foreach (var (entry, target) in targets)
            {
                using var t = file.Read(entry);
                target.copy_(t);
            }
        if (weightsOnly) return;
        using (var data = file.Read("rng.data")) s.DataGenerator.set_state(data);
        using (var train = file.Read("rng.train")) s.TrainGenerator.set_state(train);
        foreach (var (name, opt) in s.Optimizers)
        {
            var names = s.Parameterization.Networks[name].named_parameters().Select(p => p.name).ToList();
            using var r = new BinaryReader(new MemoryStream(CheckpointOptimizer.Binary(file, name, names)));
            opt.load_state_dict(r);
        }
        s.Step = long.Parse(meta["step"], CultureInfo.InvariantCulture);
    }

    // Every tensor of the module under prefix, with its shape and dtype; no tensor under prefix that the module lacks.
    private static List<(SafeTensorsEntry, Tensor)> Match(SafeTensorsLayout layout, string prefix, IEnumerable<KeyValuePair<string, Tensor>> module)
    {
        var matched = new List<(SafeTensorsEntry, Tensor)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, target) in module)
        {
            string name = prefix + key;
            names.Add(name);
            var e = layout.Find(name) ?? throw layout.Error(8, $"missing tensor '{name}'");
            if (!e.Shape.SequenceEqual(target.shape))
                throw layout.Error(e.HeaderOffset, $"tensor '{name}' has shape [{e.ShapeText}], the network expects [{string.Join(", ", target.shape)}]");
            if (e.Dtype != target.dtype)
                throw layout.Error(e.HeaderOffset, $"tensor '{name}' is {SafeTensorsLayout.DtypeName(e.Dtype)}, the network expects {SafeTensorsLayout.DtypeName(target.dtype)}");
            matched.Add((e, target));
        }
        if (layout.Entries.FirstOrDefault(e => e.Name.StartsWith(prefix, StringComparison.Ordinal) && !names.Contains(e.Name)) is { } extra)
            throw layout.Error(extra.HeaderOffset, $"tensor '{extra.Name}' belongs to no tensor of the network");
        return matched;
    }

    /// <summary>Sections that fix the networks' shapes and meaning; a resume or load refuses if any differs.</summary>
    public static readonly string[] ArchitectureSections = ["data", "backbone", "schedule", "parameterization"];

    // Compares the architecture sections key by key. A key only one side has is not a difference: an option added
    // since the checkpoint was written is absent from its configuration, and an option's default keeps the behaviour
    // from before the option existed (the rule for adding options, docs/adding-a-parameterization.md). The family's
    // sampling-time options ([SamplingTime], e.g. an ε-family's variance) are not compared: they change no weight.
    private static void RequireSameArchitecture(SafeTensorsLayout layout, string current, Type familyOptions)
    {
        var a = System.Text.Json.Nodes.JsonNode.Parse(layout.Metadata["resolved_config"])!.AsObject();   // a JSON object: validated
        var b = System.Text.Json.Nodes.JsonNode.Parse(current)!.AsObject();
        foreach (var key in Core.Configuration.SamplingTimeAttribute.Keys(familyOptions))
            foreach (var config in new[] { a, b })
                (config["parameterization"]?["options"] as System.Text.Json.Nodes.JsonObject)?.Remove(key);
        var differing = ArchitectureSections.SelectMany(k => Differences(a[k], b[k], k)).ToList();
        if (differing.Count > 0)
            throw layout.Error(layout.OffsetOf("resolved_config"), "the checkpoint was trained with different settings than this configuration "
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
}
