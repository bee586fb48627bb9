using System.Globalization;
using Research.Core.Configuration;
using Research.Core.Experiments;
using Research.Core.IO;
using Research.Core.IO.PyTorch;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Runs;

/// <summary>
/// Applies <c>training.init</c>: copies saved weights into freshly built networks before the optimizers and EMAs exist,
/// so the EMA starts at the loaded weights. Accepts a research checkpoint (<c>net.&lt;network&gt;.*</c> or
/// <c>ema.&lt;network&gt;.*</c>) or a plain state dict (safetensors, or PyTorch's <c>torch.save</c> format read by
/// <see cref="PyTorchStateDict"/>); the keys must match the network's exactly
/// (<see cref="StateDictMatch"/>). Any problem is a <see cref="ConfigException"/> naming the configuration file and key.
/// </summary>
public static class NetworkInitializer
{
    /// <summary>
    /// Reads and checks every file of <paramref name="init"/> before anything is built: its layout and checksum, and for a
    /// research checkpoint every rule of <see cref="CheckpointValidator"/>, for a plain state dict the finiteness of its
    /// floating-point tensors. A problem is a <see cref="ConfigException"/> naming the configuration file and key, and the
    /// checkpoint, tensor or key and byte offset.
    /// </summary>
    public static void Check(IReadOnlyDictionary<string, NetworkInitOptions> init, IReadOnlyDictionary<string, string>? keySources)
    {
        foreach (var (name, spec) in init)
        {
            var (tensors, _) = Read(name, spec, keySources);
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    /// <summary>
    /// The light check of <c>research validate</c>, which creates no tensor: every file of <paramref name="init"/> exists.
    /// A missing file is a <see cref="ConfigException"/> naming the configuration file and key (all of them at once).
    /// </summary>
    public static void CheckFilesExist(IReadOnlyDictionary<string, NetworkInitOptions> init, IReadOnlyDictionary<string, string>? keySources)
    {
        var errors = init.Where(e => !File.Exists(Path.GetFullPath(e.Value.Path)))
            .SelectMany(e => Error(e.Key, keySources)($"{Path.GetFullPath(e.Value.Path)}: no such file").Errors).ToList();
        if (errors.Count > 0) throw new ConfigException(errors);
    }

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
            var error = Error(name, keySources);
            if (!networks.TryGetValue(name, out var network)) throw error($"'{name}' is not a network of this family");
            var file = Path.GetFullPath(spec.Path);
            var (tensors, meta) = Read(name, spec, keySources);
            try
            {
                var (selected, what) = Select(tensors, meta, spec.Network.Length > 0 ? spec.Network : name, spec.Weights, file, error);
                var expected = network.state_dict().ToDictionary(p => p.Key, p => p.Value);
                var problems = StateDictMatch.Problems(expected, selected, name);
                if (problems.Count > 0) throw error($"{file}: network '{name}' cannot take {what}: {StateDictMatch.Summarize(problems)}");
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

    private static Func<string, ConfigException> Error(string name, IReadOnlyDictionary<string, string>? keySources, string field = "path")
    {
        string key = $"training.init.{name}.{field}";
        string source = keySources?.GetValueOrDefault(key) ?? keySources?.GetValueOrDefault($"training.init.{name}") ?? "resolved configuration";
        return message => new ConfigException([new ConfigError(source, key, message)]);
    }

    // The file's tensors and metadata, after every check (see Check).
    private static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string name, NetworkInitOptions spec,
        IReadOnlyDictionary<string, string>? keySources)
    {
        var error = Error(name, keySources);
        var file = Path.GetFullPath(spec.Path);
        if (!File.Exists(file)) throw error($"{file}: no such file");
        if (PyTorchStateDict.IsPyTorchFile(file))
        {
            try
            {
                return (PyTorchStateDict.Read(file, spec.Key.Length > 0 ? spec.Key : null), []);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                throw error($"not usable as initial weights: {e.Message}");
            }
        }
        if (spec.Key.Length > 0) throw Error(name, keySources, "key")($"{file}: a safetensors file has no nested dicts; key applies to PyTorch files only");
        SafeTensorsFile opened;
        try
        {
            opened = SafeTensorsFile.Open(file);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw error($"not readable as safetensors: {e.Message}");
        }
        using (opened)
        {
            var layout = opened.Layout;
            try
            {
                if (Checkpoint.IsCheckpoint(layout.Metadata.GetValueOrDefault("format")))
                    CheckpointValidator.Validate(opened, CheckpointExpectations.WeightsOnly());
                else StateDictMatch.RequireFinite(opened);
            }
            catch (InvalidDataException e)
            {
                throw error($"not usable as initial weights: {e.Message}");
            }
            // Only weights and EMA (or a plain state dict's every tensor): a checkpoint's optimizer and generator states stay on disk.
            var wanted = layout.Entries.Where(e => !Checkpoint.IsCheckpoint(layout.Metadata.GetValueOrDefault("format"))
                || e.Name.StartsWith("net.", StringComparison.Ordinal) || e.Name.StartsWith("ema.", StringComparison.Ordinal));
            return (opened.ReadAll(wanted), new Dictionary<string, string>(layout.Metadata));
        }
    }

    private static (Dictionary<string, Tensor> Selected, string What) Select(Dictionary<string, Tensor> tensors, Dictionary<string, string> meta,
        string network, string weights, string file, Func<string, ConfigException> error)
    {
        if (!Checkpoint.IsCheckpoint(meta.GetValueOrDefault("format")))
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
