using Research.Core.IO;
using Research.Core.IO.PyTorch;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Runs;

/// <summary>
/// Moves one network's weights between a run's checkpoint and a plain state dict whose keys are the network's own parameter
/// names — for the UNet, guided-diffusion's keys (<c>input_blocks.1.0.in_layers.0.weight</c> …) — so golden or externally
/// trained weights go in and ours come out without a mapping table. Exports are safetensors; imports read safetensors or a
/// PyTorch <c>torch.save</c> file (<see cref="PyTorchStateDict"/>, which never runs pickled code).
/// </summary>
public static class CheckpointWeights
{
    /// <summary>Format tag of exported files.</summary>
    public const string Format = "research-weights/1";

    /// <summary><c>checkpoints/&lt;name&gt;.safetensors</c> in <paramref name="runFolder"/>, or <paramref name="name"/> itself if it is a file.</summary>
    public static string Resolve(string runFolder, string name)
    {
        if (!File.Exists(Path.Combine(runFolder, "resolved.json"))) throw new FileNotFoundException($"{runFolder}: not a run folder (no resolved.json)");
        var path = File.Exists(name) ? name : Path.Combine(runFolder, "checkpoints", name + ".safetensors");
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path}: no such checkpoint");
    }

    /// <summary>Writes <paramref name="network"/>'s weights (or its EMA) to <paramref name="outPath"/> atomically; returns the tensor count.</summary>
    public static int Export(string checkpointPath, string network, string outPath, bool ema)
    {
        var (tensors, meta) = ReadCheckpoint(checkpointPath);
        try
        {
            var prefix = (ema ? "ema." : "net.") + network + ".";
            var selected = tensors.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(p => new KeyValuePair<string, Tensor>(p.Key[prefix.Length..], p.Value)).ToList();
            if (selected.Count == 0)
                throw new InvalidDataException($"{checkpointPath}: no {(ema ? "EMA " : "")}weights for network '{network}' " +
                                               $"(networks in it: {string.Join(", ", Networks(tensors.Keys, ema ? "ema." : "net."))})");
            var outMeta = new Dictionary<string, string>
            {
                ["format"] = Format, ["network"] = network, ["weights"] = ema ? "ema" : "live",
                ["step"] = meta.GetValueOrDefault("step", "?"), ["source_checkpoint"] = Path.GetFullPath(checkpointPath),
            };
            AtomicFile.Write(outPath, s => SafeTensors.Write(s, selected, outMeta));
            return selected.Count;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>
    /// Writes a copy of the checkpoint at <paramref name="outPath"/> (atomically) in which <paramref name="network"/>'s weights,
    /// and unless <paramref name="keepEma"/> its EMA, are those of <paramref name="inPath"/>. Strict: every key of the network
    /// must be present with the same shape and no extra key may exist; otherwise <see cref="InvalidDataException"/> names
    /// the keys and nothing is written. Floating dtypes are converted. <paramref name="stateDictKey"/> picks the dict of tensors inside a
    /// PyTorch file that holds more than a state dict (<see cref="PyTorchStateDict.Read"/>). Returns the tensor count.
    /// </summary>
    public static int Import(string checkpointPath, string network, string inPath, string outPath, bool keepEma = false, string? stateDictKey = null)
    {
        var (tensors, meta) = ReadCheckpoint(checkpointPath);
        var incoming = new Dictionary<string, Tensor>();
        var converted = new List<Tensor>();
        try
        {
            incoming = ReadStateDict(inPath, stateDictKey);
            var prefix = $"net.{network}.";
            var expected = tensors.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[prefix.Length..], p => p.Value);
            if (expected.Count == 0)
                throw new InvalidDataException($"{checkpointPath}: no network '{network}' (networks in it: {string.Join(", ", Networks(tensors.Keys, "net."))})");
            var problems = StateDictMatch.Problems(expected, incoming, network);
            if (problems.Count > 0)
                throw new InvalidDataException($"{inPath}: does not fit network '{network}' of {checkpointPath}; refusing to import: {StateDictMatch.Summarize(problems)}");
            var output = new List<KeyValuePair<string, Tensor>>();
            foreach (var (key, value) in tensors)
            {
                string? name = key.StartsWith(prefix, StringComparison.Ordinal) ? key[prefix.Length..]
                    : !keepEma && key.StartsWith($"ema.{network}.", StringComparison.Ordinal) ? key[$"ema.{network}.".Length..] : null;
                if (name is null || !incoming.TryGetValue(name, out var src))
                {
                    output.Add(new(key, value));
                    continue;
                }
                var t = src.to_type(value.dtype);
                converted.Add(t);
                output.Add(new(key, t));
            }
            var outMeta = new Dictionary<string, string>(meta)
            {
                ["imported_from"] = Path.GetFullPath(inPath), ["imported_network"] = network, ["imported_ema"] = keepEma ? "kept" : "replaced",
            };
            AtomicFile.Write(outPath, s => SafeTensors.Write(s, output, outMeta, checksum: true));
            return expected.Count;
        }
        finally
        {
            foreach (var t in tensors.Values.Concat(incoming.Values).Concat(converted)) t.Dispose();
        }
    }

    // The checkpoint's tensors and metadata after every check of Checkpoint.Validate.
    private static (Dictionary<string, Tensor>, Dictionary<string, string>) ReadCheckpoint(string path)
    {
        using var file = Checkpoint.Validate(path, CheckpointExpectations.WeightsOnly());
        return (file.ReadAll(), new Dictionary<string, string>(file.Layout.Metadata));
    }

    // A plain state dict (safetensors, or a PyTorch file), its layout checked and its floating-point tensors finite.
    private static Dictionary<string, Tensor> ReadStateDict(string path, string? key)
    {
        if (PyTorchStateDict.IsPyTorchFile(path)) return PyTorchStateDict.Read(path, key);
        if (!string.IsNullOrEmpty(key)) throw new InvalidDataException($"{path}: a safetensors file has no nested dicts; --key '{key}' applies to PyTorch files only");
        using var file = SafeTensorsFile.Open(path);
        StateDictMatch.RequireFinite(file);
        return file.ReadAll();
    }

    private static IEnumerable<string> Networks(IEnumerable<string> keys, string prefix) =>
        keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Select(k => k[prefix.Length..].Split('.')[0]).Distinct();

}
