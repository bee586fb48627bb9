using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.IO;

/// <summary>
/// Copies a state dict (name → tensor, e.g. read from a reference safetensors file) into a module by key, strictly:
/// every key of the module must be present with the same shape, and no extra key may be left over. Used to load golden
/// weights (guided-diffusion state dicts) whose keys the modules mirror, without a mapping table.
/// </summary>
public static class StateDictLoader
{
    /// <summary>
    /// Loads <paramref name="tensors"/> into <paramref name="module"/>'s parameters and buffers. Throws
    /// <see cref="InvalidDataException"/> naming <paramref name="source"/> and every missing, unexpected or mis-shaped key;
    /// nothing is copied unless every key matches. Floating dtypes are converted to the module's.
    /// </summary>
    public static void LoadStrict(nn.Module module, IReadOnlyDictionary<string, Tensor> tensors, string source)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(tensors);
        var target = module.state_dict();
        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (var (key, t) in target)
        {
            if (!tensors.TryGetValue(key, out var src)) missing.Add($"missing key '{key}' [{Shape(t)}]");
            else if (!src.shape.SequenceEqual(t.shape)) mismatched.Add($"key '{key}' has shape [{Shape(src)}], the network expects [{Shape(t)}]");
            else if (src.is_floating_point() != t.is_floating_point()) mismatched.Add($"key '{key}' has dtype {src.dtype}, the network expects {t.dtype}");
        }
        var unexpected = tensors.Keys.Where(k => !target.ContainsKey(k)).Select(k => $"unexpected key '{k}' [{Shape(tensors[k])}]");
        var problems = missing.Concat(unexpected).Concat(mismatched).ToList();
        if (problems.Count > 0)
            throw new InvalidDataException($"{source}: state dict does not match the network ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}): "
                                           + string.Join("; ", problems.Take(20)) + (problems.Count > 20 ? $"; … and {problems.Count - 20} more" : ""));
        using var _ = no_grad();
        foreach (var (key, t) in target) t.copy_(tensors[key]);
    }

    private static string Shape(Tensor t) => string.Join(", ", t.shape);
}
