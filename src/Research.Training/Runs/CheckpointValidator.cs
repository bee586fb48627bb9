using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Core.IO;
using Research.Training.Optimization;
using static TorchSharp.torch;

namespace Research.Training.Runs;

/// <summary>
/// The semantic checks of a research checkpoint, run on the open file after <see cref="SafeTensorsLayout.Parse(Stream, string)"/>
/// (header shape, dtypes, byte ranges, checksum) and before any network, optimizer or run-folder write: the format is a
/// research checkpoint's (<see cref="Checkpoint.Format"/> or <see cref="Checkpoint.LegacyFormat"/>); a checksum is present; the
/// embedded configuration is a JSON object; the step is an integer in [0, its <c>training.steps</c>]; every weight and EMA
/// tensor is floating point and finite, and each EMA tensor has its weight's dtype and shape; the generator states have the
/// sizes the generators expect; each network's optimizer state is well formed (format 2: <see cref="CheckpointOptimizer.Check"/>;
/// format 1: it decodes, <see cref="OptimizerStateFormat"/>, and its moments have the shapes of that network's tensors, in
/// order). Each problem is an <see cref="InvalidDataException"/> naming the file, the tensor or key and the byte offset.
/// </summary>
public static class CheckpointValidator
{
    /// <summary>Checks the open <paramref name="file"/> against every rule above; returns the step.</summary>
    public static long Validate(SafeTensorsFile file, CheckpointExpectations expect)
    {
        var layout = file.Layout;
        var meta = layout.Metadata;
        if (!Checkpoint.IsCheckpoint(meta.GetValueOrDefault("format")))
            throw layout.Error(layout.OffsetOf("format"), $"not a research checkpoint (__metadata__.format is '{meta.GetValueOrDefault("format")}', " +
                                                          $"expected '{Checkpoint.Format}' or the older '{Checkpoint.LegacyFormat}')");
        if (layout.Checksum == SafeTensorsChecksum.None)
            throw layout.Error(layout.OffsetOf("format"), $"the checkpoint carries no checksum (__metadata__.{SafeTensorsLayout.FileChecksumKey}): "
                + "every checkpoint research writes has one, so it was removed or the file was written by another tool; refusing to load");
        var config = Config(layout);
        long step = Step(layout, config);
        CheckWeights(file, layout);
        CheckRng(layout, "rng.data", expect.DataRngBytes);
        CheckRng(layout, "rng.train", expect.TrainRngBytes);
        foreach (var network in Networks(layout, "net."))
            if (Checkpoint.IsCurrent(layout)) CheckpointOptimizer.Check(file, network);
            else CheckLegacyOptimizer(layout, network);
        if (Checkpoint.IsCurrent(layout) && layout.Entries.FirstOrDefault(e => !KnownPrefixes.Any(p => e.Name.StartsWith(p, StringComparison.Ordinal))) is { } stray)
            throw layout.Error(stray.HeaderOffset, $"tensor '{stray.Name}' is none of a checkpoint's (names start with {string.Join(", ", KnownPrefixes)})");
        if (Checkpoint.IsCurrent(layout) && Networks(layout, CheckpointOptimizer.TensorPrefix).Except(Networks(layout, "net.")).FirstOrDefault() is { } orphan)
            throw layout.Error(layout.Entries.First(e => e.Name.StartsWith($"{CheckpointOptimizer.TensorPrefix}{orphan}.", StringComparison.Ordinal)).HeaderOffset,
                $"optimizer tensors '{CheckpointOptimizer.TensorPrefix}{orphan}.*' belong to no network");
        return step;
    }

    private static readonly string[] KnownPrefixes = ["net.", "ema.", CheckpointOptimizer.TensorPrefix, "rng."];

    /// <summary>The names of the networks whose tensors carry <paramref name="prefix"/> (<c>net.</c> or <c>ema.</c>), in order.</summary>
    public static IEnumerable<string> Networks(SafeTensorsLayout layout, string prefix) =>
        layout.Entries.Where(e => e.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.Name[prefix.Length..].Split('.')[0]).Distinct();

    private static JsonObject Config(SafeTensorsLayout layout)
    {
        const string key = "resolved_config";
        if (!layout.Metadata.TryGetValue(key, out var text)) throw layout.Error(8, $"__metadata__ has no '{key}'");
        try
        {
            return JsonNode.Parse(text) as JsonObject ?? throw layout.Error(layout.OffsetOf(key), $"__metadata__.{key} is not a JSON object");
        }
        catch (JsonException e)
        {
            throw layout.Error(layout.OffsetOf(key), $"__metadata__.{key} is not valid JSON ({e.Message})");
        }
    }

    // The step a checkpoint was written at lies in [0, training.steps of the configuration it was written with].
    private static long Step(SafeTensorsLayout layout, JsonObject config)
    {
        long at = layout.OffsetOf("step");
        if (!layout.Metadata.TryGetValue("step", out var text)) throw layout.Error(8, "__metadata__ has no 'step'");
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long step))
            throw layout.Error(at, $"__metadata__.step '{text}' is not a non-negative integer");
        long? steps = config["training"]?["steps"] is JsonValue v && v.TryGetValue(out long s) ? s : null;
        if (steps is { } max && step > max)
            throw layout.Error(at, $"__metadata__.step {step} is past training.steps {max} of the checkpoint's own configuration");
        return step;
    }

    private static void CheckWeights(SafeTensorsFile file, SafeTensorsLayout layout)
    {
        foreach (var e in layout.Entries.Where(e => e.Name.StartsWith("net.", StringComparison.Ordinal) || e.Name.StartsWith("ema.", StringComparison.Ordinal)))
        {
            if (!IsFloating(e.Dtype))
                throw layout.Error(e.HeaderOffset, $"tensor '{e.Name}' is {SafeTensorsLayout.DtypeName(e.Dtype)}: weights and EMA are floating point");
            var (index, what) = file.FirstNonFinite(e);
            if (index >= 0)
                throw layout.Error(layout.FileOffset(e) + index * SafeTensorsLayout.ElementSize(e.Dtype),
                    $"tensor '{e.Name}' [{e.ShapeText}] holds {what} at element {index}: a checkpoint's weights and EMA are finite");
            if (!e.Name.StartsWith("ema.", StringComparison.Ordinal)) continue;
            var live = layout.Find("net." + e.Name["ema.".Length..]);
            if (live is null) throw layout.Error(e.HeaderOffset, $"tensor '{e.Name}' has no weight 'net.{e.Name["ema.".Length..]}'");
            if (live.Dtype != e.Dtype || !live.Shape.SequenceEqual(e.Shape))
                throw layout.Error(e.HeaderOffset, $"tensor '{e.Name}' has shape [{e.ShapeText}] {SafeTensorsLayout.DtypeName(e.Dtype)}, its weight '{live.Name}' " +
                                                   $"has shape [{live.ShapeText}] {SafeTensorsLayout.DtypeName(live.Dtype)}: an EMA has its weight's shape and dtype");
        }
    }

    private static void CheckRng(SafeTensorsLayout layout, string name, long? expectedBytes)
    {
        var e = layout.Find(name) ?? throw layout.Error(8, $"no tensor '{name}' (the generator state)");
        if (e.Dtype != ScalarType.Byte || e.Shape.Length != 1 || e.Numel == 0)
            throw layout.Error(e.HeaderOffset, $"tensor '{name}' is [{e.ShapeText}] {SafeTensorsLayout.DtypeName(e.Dtype)}: a generator state is a non-empty 1-D U8 tensor");
        if (expectedBytes is { } n && e.Numel != n)
            throw layout.Error(e.HeaderOffset, $"tensor '{name}' holds a generator state of {e.Numel} bytes; the generator's state has {n}");
    }

    // Format 1: the optimizer's moments follow the network's parameters in order; the state dict holds them (and any buffers)
    // in the same order, so the moments' shapes must match a subsequence of the network's tensors. The exact match against the
    // built optimizer's parameters is made before loading (CheckpointOptimizer.RequireFits).
    private static void CheckLegacyOptimizer(SafeTensorsLayout layout, string network)
    {
        string key = CheckpointOptimizer.MetadataPrefix + network;
        if (!layout.Metadata.TryGetValue(key, out var base64)) throw layout.Error(8, $"__metadata__ has no '{key}' (the optimizer state of network '{network}')");
        long at = layout.OffsetOf(key);
        var decoded = Decode(layout, key, base64);
        var tensors = layout.Entries.Where(e => e.Name.StartsWith($"net.{network}.", StringComparison.Ordinal)).ToList();
        int next = 0;
        for (int i = 0; i < decoded.States.Count; i++)
        {
            var state = decoded.States[i];
            while (next < tensors.Count && !tensors[next].Shape.SequenceEqual(state.Shape)) next++;
            if (next == tensors.Count)
                throw layout.Error(at, $"__metadata__.{key}: the state of parameter {i} has shape [{state.ShapeText}], which no tensor of network " +
                                       $"'{network}' has in that order");
            next++;
        }
    }

    /// <summary>The format-1 optimizer state stored under <paramref name="key"/>, decoded; errors name the file, the key and the byte.</summary>
    public static OptimizerStateInfo Decode(SafeTensorsLayout layout, string key, string base64)
    {
        long at = layout.OffsetOf(key);
        byte[] state;
        try
        {
            state = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw layout.Error(at, $"__metadata__.{key} is not base64");
        }
        try
        {
            return OptimizerStateFormat.Decode(state);
        }
        catch (InvalidDataException e)
        {
            throw layout.Error(at, $"__metadata__.{key}: garbled optimizer state ({state.Length} bytes): {e.Message}");
        }
    }

    private static bool IsFloating(ScalarType t) => t is ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16;
}
