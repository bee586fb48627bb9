using System.Globalization;
using Research.Core.IO;
using Research.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Runs;

/// <summary>
/// A whole training state in one safetensors file: every network's weights (<c>net.&lt;network&gt;.*</c>),
/// EMA weights (<c>ema.*</c>), generator states (<c>rng.*</c>), and in the metadata the step, the resolved
/// configuration and each optimizer's state, and a SHA-256 of the whole file, header included. Written atomically
/// (temporary file, flush, rename); loading checks everything (<see cref="CheckpointValidator"/>) before it changes
/// anything, and never executes code.
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

    /// <summary>Reads only the metadata (step, resolved configuration) of a checkpoint, after checking all of it (<see cref="Validate"/>).</summary>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        var (_, layout) = Validate(path, CheckpointExpectations.WeightsOnly());
        return layout.Metadata;
    }

    /// <summary>
    /// Reads and checks the whole checkpoint before anything is built: its layout and checksum (<see cref="SafeTensorsLayout"/>),
    /// then <see cref="CheckpointValidator"/>. Returns its bytes and layout.
    /// </summary>
    /// <exception cref="InvalidDataException">Naming the file, the tensor or key and the byte offset.</exception>
    public static (byte[] File, SafeTensorsLayout Layout) Validate(string path, CheckpointExpectations expect)
    {
        var bytes = File.ReadAllBytes(path);
        var layout = SafeTensorsLayout.Parse(bytes, path);
        CheckpointValidator.Validate(bytes, layout, expect);
        return (bytes, layout);
    }

    /// <summary>
    /// Restores weights, EMAs, optimizers, generators and step into <paramref name="s"/>. Everything is checked before the
    /// first tensor is copied: the file (<see cref="Validate"/>), then its match with the session (architecture sections, every
    /// tensor's name, shape and dtype, the generator states' sizes, each optimizer's type and parameter shapes).
    /// </summary>
    public static void Load(TrainingSession s, string path, bool weightsOnly = false)
    {
        var (bytes, layout) = Validate(path, new CheckpointExpectations(
            CheckpointExpectations.StateBytes(s.DataGenerator.device), CheckpointExpectations.StateBytes(s.TrainGenerator.device)));
        var meta = layout.Metadata;
        RequireSameArchitecture(layout, s.ResolvedJson, s.Family.OptionsType);
        var targets = new List<(SafeTensorsEntry Entry, Tensor Target)>();
        foreach (var (name, net) in s.Parameterization.Networks)
        {
            targets.AddRange(Match(layout, $"net.{name}.", net.state_dict()));
            RequireOptimizerFits(layout, name, s.Optimizers.GetValueOrDefault(name), net, weightsOnly);
        }
        foreach (var (name, ema) in s.Emas) targets.AddRange(Match(layout, $"ema.{name}.", ema.State()));
        var tensors = SafeTensors.Materialize(bytes, layout);
        try
        {
            using (no_grad())
                foreach (var (entry, target) in targets) target.copy_(tensors[entry.Name]);
            if (weightsOnly) return;
            s.DataGenerator.set_state(tensors["rng.data"]);
            s.TrainGenerator.set_state(tensors["rng.train"]);
            foreach (var (name, opt) in s.Optimizers)
            {
                using var r = new BinaryReader(new MemoryStream(Convert.FromBase64String(meta[CheckpointValidator.OptimizerKeyPrefix + name])));
                opt.load_state_dict(r);
            }
            s.Step = long.Parse(meta["step"], CultureInfo.InvariantCulture);
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
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

    // The stored state is that of this optimizer type over exactly these parameters (TorchSharp's loader would stop half-way).
    private static void RequireOptimizerFits(SafeTensorsLayout layout, string network, TorchSharp.Modules.OptimizerHelper? optimizer, nn.Module module, bool weightsOnly)
    {
        if (weightsOnly || optimizer is null) return;
        string key = CheckpointValidator.OptimizerKeyPrefix + network;
        if (!layout.Metadata.TryGetValue(key, out var base64)) throw layout.Error(8, $"__metadata__ has no '{key}' (the optimizer state of network '{network}')");
        var state = CheckpointValidator.Decode(layout, key, base64);
        if (state.Type != optimizer.GetType().Name)
            throw layout.Error(layout.OffsetOf(key), $"__metadata__.{key} is the state of {state.Type}; this configuration trains '{network}' with {optimizer.GetType().Name}");
        var parameters = module.parameters().ToList();
        if (state.States.Count != parameters.Count)
            throw layout.Error(layout.OffsetOf(key), $"__metadata__.{key} holds {state.States.Count} parameter states; network '{network}' has {parameters.Count} parameters");
        for (int i = 0; i < parameters.Count; i++)
            if (!state.States[i].Shape.SequenceEqual(parameters[i].shape) || state.States[i].Dtype != parameters[i].dtype)
                throw layout.Error(layout.OffsetOf(key), $"__metadata__.{key}: the state of parameter {i} is [{state.States[i].ShapeText}] {state.States[i].Dtype}; " +
                                                        $"the parameter is [{string.Join(", ", parameters[i].shape)}] {parameters[i].dtype}");
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
