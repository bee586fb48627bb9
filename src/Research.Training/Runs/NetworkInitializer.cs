using System.Globalization;
using Research.Core.Configuration;
using Research.Core.Experiments;
using Research.Core.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Runs;

/// <summary>
/// Applies <c>training.init</c>: copies saved weights into freshly built networks before the optimizers and EMAs exist,
/// so the EMA starts at the loaded weights. Accepts a research checkpoint (<c>net.&lt;network&gt;.*</c> or
/// <c>ema.&lt;network&gt;.*</c>) or a plain state dict; the keys must match the network's exactly
/// (<see cref="StateDictMatch"/>). Any problem is a <see cref="ConfigException"/> naming the configuration file and key.
/// </summary>
public static class NetworkInitializer
{
    /// <summary>
    /// Loads every entry of <paramref name="init"/> into <paramref name="networks"/>; returns one line per network saying
    /// what was loaded (for the run log).
    /// </summary>
    public static IReadOnlyList<string> Apply(IReadOnlyDictionary<string, nn.Module> networks, IReadOnlyDictionary<string, NetworkInitOptions> init,
        IReadOnlyDictionary<string, string>? keySources)
    {
        var lines = new List<string>();
        foreach (var (name, spec) in init)
        {
            string key = $"training.init.{name}.path";
            string source = keySources?.GetValueOrDefault(key) ?? keySources?.GetValueOrDefault($"training.init.{name}") ?? "resolved configuration";
            ConfigException Error(string message) => new([new ConfigError(source, key, message)]);
            if (!networks.TryGetValue(name, out var network)) throw Error($"'{name}' is not a network of this family");
            var file = Path.GetFullPath(spec.Path);
            if (!File.Exists(file)) throw Error($"{file}: no such file");
            Dictionary<string, Tensor> tensors;
            Dictionary<string, string> meta;
            try
            {
                (tensors, meta) = SafeTensors.Read(file);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                throw Error($"{file}: not readable as safetensors: {e.Message}");
            }
            try
            {
                var (selected, what) = Select(tensors, meta, spec.Network.Length > 0 ? spec.Network : name, spec.Weights, file, Error);
                var expected = network.state_dict().ToDictionary(p => p.Key, p => p.Value);
                var problems = StateDictMatch.Problems(expected, selected, name);
                if (problems.Count > 0) throw Error($"{file}: network '{name}' cannot take {what}: {StateDictMatch.Summarize(problems)}");
                using (no_grad())
                    foreach (var (k, target) in expected)
                    {
                        using var value = selected[k].to(target.dtype, target.device);
                        target.copy_(value);
                    }
                lines.Add($"{name}: {expected.Count} tensors from {file} ({what})");
            }
            finally
            {
                foreach (var t in tensors.Values) t.Dispose();
            }
        }
        return lines;
    }

    private static (Dictionary<string, Tensor> Selected, string What) Select(Dictionary<string, Tensor> tensors, Dictionary<string, string> meta,
        string network, string weights, string file, Func<string, ConfigException> error)
    {
        if (meta.GetValueOrDefault("format") != Checkpoint.Format)
            return (tensors, "the state dict" + (meta.TryGetValue("network", out var n) ? $" of network '{n}'" : ""));
        string step = meta.GetValueOrDefault("step", "?");
        var live = Strip(tensors, $"net.{network}.");
        if (live.Count == 0)
        {
            var names = tensors.Keys.Where(k => k.StartsWith("net.", StringComparison.Ordinal)).Select(k => k.Split('.')[1]).Distinct();
            throw error($"{file}: this checkpoint has no network '{network}' (its networks: {string.Join(", ", names)}); set training.init.<network>.network");
        }
        if (weights == "live") return (live, string.Create(CultureInfo.InvariantCulture, $"live weights of '{network}' at step {step}"));
        var ema = Strip(tensors, $"ema.{network}.");
        if (ema.Count == 0) throw error($"{file}: this checkpoint keeps no EMA of '{network}'; set weights to live");
        return (ema, string.Create(CultureInfo.InvariantCulture, $"EMA weights of '{network}' at step {step}"));
    }

    private static Dictionary<string, Tensor> Strip(Dictionary<string, Tensor> tensors, string prefix) =>
        tensors.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(p => p.Key[prefix.Length..], p => p.Value);
}
