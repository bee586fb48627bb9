using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Core.IO;
using Research.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Runs;

/// <summary>
/// A network's optimizer state in a checkpoint. Format 2 (<see cref="Checkpoint.Format"/>) keeps every moment in the body as
/// tensors named <c>optim.&lt;network&gt;.&lt;parameter&gt;.exp_avg</c>, <c>.exp_avg_sq</c> (and <c>.max_exp_avg_sq</c>
/// with amsgrad), of the parameter's dtype and shape, and the step count as the I64 scalar <c>.step</c>; the metadata key
/// <c>optimizer.&lt;network&gt;</c> holds only a small JSON object: the optimizer type and each group's options
/// (<see cref="OptimizerGroupOptions"/>). Format 1 (<see cref="Checkpoint.LegacyFormat"/>) kept the whole state base64-encoded
/// in that key. Both are turned into TorchSharp's binary state (<see cref="OptimizerStateFormat"/>) for <c>load_state_dict</c>.
/// </summary>
public static class CheckpointOptimizer
{
    /// <summary>Prefix of the optimizer tensors: <c>optim.&lt;network&gt;.&lt;parameter&gt;.&lt;moment or step&gt;</c>.</summary>
    public const string TensorPrefix = "optim.";

    /// <summary>Prefix of the metadata key of each network's optimizer (format 2: type and group options; format 1: the whole state).</summary>
    public const string MetadataPrefix = "optimizer.";

    /// <summary>The suffix of the step count's tensor.</summary>
    public const string StepSuffix = "step";

    private static readonly string[] MomentNames = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq"];

    /// <summary>
    /// The state of <paramref name="optimizer"/> over <paramref name="module"/>'s parameters as format-2 tensors (CPU; the
    /// caller disposes them) and the JSON of its metadata key.
    /// </summary>
    public static (string Json, List<KeyValuePair<string, Tensor>> Tensors) Split(string network, nn.Module module, TorchSharp.Modules.OptimizerHelper optimizer)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(w);
        var state = ms.ToArray();
        var info = OptimizerStateFormat.Decode(state, requireFinite: false);   // a diverged run's state is saved as it is
        var names = module.named_parameters().Select(p => p.name).ToList();
        if (names.Count != info.States.Count)
            throw new InvalidOperationException($"the optimizer of '{network}' holds {info.States.Count} parameter states; the network has {names.Count} parameters");
        var tensors = new List<KeyValuePair<string, Tensor>>();
        try
        {
            for (int i = 0; i < names.Count; i++)
            {
                var p = info.States[i];
                string prefix = $"{TensorPrefix}{network}.{names[i]}.";
                foreach (var (moment, at) in p.Moments)
                {
                    var t = empty(p.Shape, p.Dtype);
                    tensors.Add(new(prefix + moment, t));
                    int bytes = (int)(t.NumberOfElements * SafeTensorsLayout.ElementSize(p.Dtype));
                    if (bytes > 0) t.bytes = state.AsSpan(at, bytes);
                }
                tensors.Add(new(prefix + StepSuffix, tensor(p.Step, ScalarType.Int64)));
            }
        }
        catch
        {
            foreach (var t in tensors) t.Value.Dispose();
            throw;
        }
        var groups = new JsonArray();
        foreach (var o in info.Options)
            groups.Add(new JsonObject
            {
                ["initial_lr"] = o.InitialLr, ["lr"] = o.Lr, ["beta1"] = o.Beta1, ["beta2"] = o.Beta2, ["eps"] = o.Eps,
                ["weight_decay"] = o.WeightDecay, ["amsgrad"] = o.Amsgrad, ["maximize"] = o.Maximize,
            });
        return (new JsonObject { ["type"] = info.Type, ["groups"] = groups }.ToJsonString(), tensors);
    }

    /// <summary>
    /// Checks a format-2 optimizer state without a network: the metadata is a JSON object with a known type and finite group
    /// options; each parameter's tensors are complete, its moments floating point, finite and of its weight's
    /// (<c>net.&lt;network&gt;.&lt;parameter&gt;</c>) dtype and shape, and its step a non-negative I64 scalar; no other tensor
    /// carries the network's prefix. Returns the type and options.
    /// </summary>
    public static (string Type, List<OptimizerGroupOptions> Options) Check(SafeTensorsFile file, string network)
    {
        var layout = file.Layout;
        var (type, options) = ReadJson(layout, network);
        string prefix = $"{TensorPrefix}{network}.";
        var found = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var e in layout.Entries.Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            int dot = e.Name.LastIndexOf('.');
            string parameter = e.Name[prefix.Length..Math.Max(prefix.Length, dot)], part = e.Name[(dot + 1)..];
            var weight = parameter.Length == 0 ? null : layout.Find($"net.{network}.{parameter}");
            if (weight is null || (part != StepSuffix && !MomentNames.Contains(part)))
                throw layout.Error(e.HeaderOffset, $"tensor '{e.Name}' belongs to no parameter of network '{network}' (optimizer tensors are " +
                                                   $"{prefix}<parameter>.{{{string.Join(", ", MomentNames)}, {StepSuffix}}})");
            if (!found.TryGetValue(parameter, out var parts)) found[parameter] = parts = [];
            parts.Add(part);
            if (part == StepSuffix)
            {
                if (e.Dtype != ScalarType.Int64 || e.Shape.Length != 0)
                    throw layout.Error(e.HeaderOffset, $"tensor '{e.Name}' is [{e.ShapeText}] {SafeTensorsLayout.DtypeName(e.Dtype)}: a step count is an I64 scalar");
                long step = BitConverter.ToInt64(file.ReadBytes(e));
                if (step < 0) throw layout.Error(layout.FileOffset(e), $"tensor '{e.Name}' holds step {step}");
                continue;
            }
            if (e.Dtype != weight.Dtype || !e.Shape.SequenceEqual(weight.Shape))
                throw layout.Error(e.HeaderOffset, $"tensor '{e.Name}' is [{e.ShapeText}] {SafeTensorsLayout.DtypeName(e.Dtype)}; its parameter '{weight.Name}' " +
                                                   $"is [{weight.ShapeText}] {SafeTensorsLayout.DtypeName(weight.Dtype)}");
            var (index, what) = file.FirstNonFinite(e);
            if (index >= 0)
                throw layout.Error(layout.FileOffset(e) + index * SafeTensorsLayout.ElementSize(e.Dtype), $"tensor '{e.Name}' holds {what} at element {index}");
        }
        if (found.Count == 0) throw layout.Error(layout.OffsetOf(MetadataPrefix + network), $"no tensor {prefix}* (the optimizer state of network '{network}')");
        foreach (var (parameter, parts) in found)
            foreach (var required in new[] { MomentNames[0], MomentNames[1], StepSuffix })
                if (!parts.Contains(required)) throw layout.Error(8, $"missing tensor '{prefix}{parameter}.{required}'");
        return (type, options);
    }

    /// <summary>
    /// TorchSharp's binary state of <paramref name="network"/>'s optimizer, for <paramref name="parameters"/> (the network's
    /// parameter names, in order), from a checkpoint of either format that <see cref="CheckpointValidator"/> accepted.
    /// </summary>
    public static byte[] Binary(SafeTensorsFile file, string network, IReadOnlyList<string> parameters)
    {
        var layout = file.Layout;
        string key = MetadataPrefix + network;
        if (!Checkpoint.IsCurrent(layout)) return Convert.FromBase64String(layout.Metadata[key]);
        var (type, options) = ReadJson(layout, network);
        var states = new List<(long, ScalarType, long[], IReadOnlyList<byte[]>)>();
        foreach (var parameter in parameters)
        {
            string prefix = $"{TensorPrefix}{network}.{parameter}.";
            var first = layout.Find(prefix + MomentNames[0]) ?? throw layout.Error(8, $"missing tensor '{prefix}{MomentNames[0]}'");
            var moments = MomentNames.Select(m => layout.Find(prefix + m)).TakeWhile(e => e is not null).Select(e => file.ReadBytes(e!)).ToList();
            var step = layout.Find(prefix + StepSuffix) ?? throw layout.Error(8, $"missing tensor '{prefix}{StepSuffix}'");
            states.Add((BitConverter.ToInt64(file.ReadBytes(step)), first.Dtype, first.Shape, moments));
        }
        return OptimizerStateFormat.Encode(type, options, states);
    }

    /// <summary>
    /// Refuses, before anything is copied, a stored state that does not fit <paramref name="optimizer"/> over
    /// <paramref name="module"/>: another optimizer type, or other parameters (names, count, shapes, dtypes).
    /// </summary>
    public static void RequireFits(SafeTensorsFile file, string network, TorchSharp.Modules.OptimizerHelper optimizer, nn.Module module)
    {
        var layout = file.Layout;
        string key = MetadataPrefix + network;
        if (!layout.Metadata.ContainsKey(key)) throw layout.Error(8, $"__metadata__ has no '{key}' (the optimizer state of network '{network}')");
        var named = module.named_parameters().ToList();
        string stored;
        if (Checkpoint.IsCurrent(layout))
        {
            stored = ReadJson(layout, network).Type;
            string prefix = $"{TensorPrefix}{network}.";
            var names = named.Select(p => p.name).ToHashSet(StringComparer.Ordinal);
            if (layout.Entries.FirstOrDefault(e => e.Name.StartsWith(prefix, StringComparison.Ordinal) && !names.Contains(e.Name[prefix.Length..e.Name.LastIndexOf('.')])) is { } extra)
                throw layout.Error(extra.HeaderOffset, $"tensor '{extra.Name}' is the optimizer state of no parameter of network '{network}'");
            foreach (var (name, p) in named)
            {
                var e = layout.Find($"{prefix}{name}.{MomentNames[0]}") ?? throw layout.Error(8, $"missing tensor '{prefix}{name}.{MomentNames[0]}' (network '{network}' has parameter '{name}')");
                if (!e.Shape.SequenceEqual(p.shape) || e.Dtype != p.dtype)
                    throw layout.Error(e.HeaderOffset, $"tensor '{e.Name}' is [{e.ShapeText}] {SafeTensorsLayout.DtypeName(e.Dtype)}; the parameter is [{string.Join(", ", p.shape)}] {p.dtype}");
            }
        }
        else
        {
            var state = CheckpointValidator.Decode(layout, key, layout.Metadata[key]);
            stored = state.Type;
            if (state.States.Count != named.Count)
                throw layout.Error(layout.OffsetOf(key), $"__metadata__.{key} holds {state.States.Count} parameter states; network '{network}' has {named.Count} parameters");
            for (int i = 0; i < named.Count; i++)
                if (!state.States[i].Shape.SequenceEqual(named[i].parameter.shape) || state.States[i].Dtype != named[i].parameter.dtype)
                    throw layout.Error(layout.OffsetOf(key), $"__metadata__.{key}: the state of parameter {i} is [{state.States[i].ShapeText}] {state.States[i].Dtype}; " +
                                                            $"the parameter is [{string.Join(", ", named[i].parameter.shape)}] {named[i].parameter.dtype}");
        }
        if (stored != optimizer.GetType().Name)
            throw layout.Error(layout.OffsetOf(key), $"__metadata__.{key} is the state of {stored}; this configuration trains '{network}' with {optimizer.GetType().Name}");
    }

    // The format-2 metadata: {"type": "Adam", "groups": [{"initial_lr", "lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad", "maximize"}]}.
    private static (string Type, List<OptimizerGroupOptions> Options) ReadJson(SafeTensorsLayout layout, string network)
    {
        string key = MetadataPrefix + network;
        if (!layout.Metadata.TryGetValue(key, out var text)) throw layout.Error(8, $"__metadata__ has no '{key}' (the optimizer state of network '{network}')");
        InvalidDataException Bad(string what) => layout.Error(layout.OffsetOf(key), $"__metadata__.{key}: {what}");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(text) as JsonObject ?? throw Bad("not a JSON object");
        }
        catch (JsonException e)
        {
            throw Bad($"not valid JSON ({e.Message})");
        }
        try
        {
            var type = json["type"]?.GetValue<string>() ?? throw Bad("no \"type\"");
            if (!OptimizerStateFormat.Types.Contains(type)) throw Bad($"optimizer type '{type}' is not one of {string.Join(", ", OptimizerStateFormat.Types)}");
            var groups = json["groups"] as JsonArray ?? throw Bad("no \"groups\" array");
            if (groups.Count == 0) throw Bad("no parameter group");
            var options = new List<OptimizerGroupOptions>();
            foreach (var g in groups)
            {
                double D(string name)
                {
                    double v = g?[name]?.GetValue<double>() ?? throw Bad($"group {options.Count} has no \"{name}\"");
                    return double.IsFinite(v) ? v : throw Bad($"group {options.Count}: \"{name}\" is {v.ToString(CultureInfo.InvariantCulture)}");
                }
                bool B(string name) => g?[name]?.GetValue<bool>() ?? throw Bad($"group {options.Count} has no \"{name}\"");
                options.Add(new OptimizerGroupOptions(D("initial_lr"), D("lr"), D("beta1"), D("beta2"), D("eps"), D("weight_decay"), B("amsgrad"), B("maximize")));
            }
            return (type, options);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw Bad($"a value has the wrong type ({e.Message})");
        }
    }
}
