using Research.Core.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Features;

/// <summary>
/// Saves a module's state dict to safetensors and loads one back strictly: every parameter and buffer must be in
/// the file with its exact shape, and the file may hold nothing else. All problems are reported at once in an
/// <see cref="InvalidDataException"/> naming the file. BatchNorm's <c>num_batches_tracked</c> may be present or absent.
/// </summary>
public static class SafeTensorsWeights
{
    /// <summary>Writes the state dict of <paramref name="module"/> (keys as TorchSharp names them) and metadata, atomically.</summary>
    public static void Save(nn.Module module, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var state = module.state_dict().Where(p => !IsCounter(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        AtomicFile.Write(full, s => SafeTensors.Write(s, state, metadata));
    }

    /// <summary>Copies the tensors of <paramref name="path"/> into <paramref name="module"/>; returns the file's metadata.</summary>
    public static IReadOnlyDictionary<string, string> Load(nn.Module module, string path)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such weights file", path);
        var (tensors, metadata) = SafeTensors.Read(path);
        try
        {
            var target = module.state_dict();
            var problems = new List<string>();
            foreach (var (key, dst) in target.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                if (IsCounter(key)) continue;
                if (!tensors.TryGetValue(key, out var src)) problems.Add($"missing '{key}' [{string.Join(", ", dst.shape)}]");
                else if (!src.shape.SequenceEqual(dst.shape))
                    problems.Add($"'{key}' has shape [{string.Join(", ", src.shape)}], expected [{string.Join(", ", dst.shape)}]");
            }
            foreach (var key in tensors.Keys.Where(k => !IsCounter(k) && !target.ContainsKey(k)).OrderBy(k => k, StringComparer.Ordinal))
                problems.Add($"unexpected '{key}'");
            if (problems.Count > 0)
            {
                var shown = problems.Take(12).ToList();
                if (problems.Count > shown.Count) shown.Add($"… and {problems.Count - shown.Count} more");
                throw new InvalidDataException($"{path}: weights do not fit {module.GetName()} ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}): {string.Join("; ", shown)}.");
            }
            using (no_grad())
            {
                foreach (var (key, dst) in target)
                    if (!IsCounter(key)) dst.copy_(tensors[key]);
            }
            return metadata;
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static bool IsCounter(string key) => key.EndsWith("num_batches_tracked", StringComparison.Ordinal);
}
