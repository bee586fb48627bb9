using System.Globalization;
using System.IO.Compression;
using System.Text;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.IO.PyTorch;

/// <summary>
/// Reads a state dict that PyTorch wrote with <c>torch.save</c> (<c>.pt</c> / <c>.pth</c>, the zip format of PyTorch ≥ 1.6):
/// a zip archive holding <c>&lt;name&gt;/data.pkl</c>, the pickled dict, and one member <c>&lt;name&gt;/data/&lt;key&gt;</c> of
/// raw little-endian bytes per storage. The pickle is read by <see cref="RestrictedUnpickler"/>, which runs nothing and
/// refuses every global but the tensor rebuild functions, <c>OrderedDict</c> and the storage types, so a crafted file that
/// would run code under <c>torch.load</c> is refused with its offending global and byte offset before any tensor exists.
/// The older non-zip format and TorchScript archives are refused with what to do instead.
/// </summary>
public static class PyTorchStateDict
{
    private const int MaxPickleBytes = 256 << 20;

    /// <summary>Whether <paramref name="path"/> starts as a zip archive or a pickle (the formats <c>torch.save</c> writes), not as safetensors.</summary>
    public static bool IsPyTorchFile(string path)
    {
        using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Span<byte> head = stackalloc byte[4];
        int n = s.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        return (n == 4 && head.SequenceEqual("PK\x03\x04"u8)) || (n >= 1 && head[0] == 0x80);
    }

    /// <summary>
    /// The tensors (CPU, contiguous; the caller owns them) of the state dict in <paramref name="path"/>, or of the dict found
    /// under <paramref name="key"/> (a top-level key, or keys of nested dicts joined by <c>/</c>, e.g. <c>netG_dict</c>).
    /// With <paramref name="requireFinite"/>, a NaN or ±Inf in a floating-point tensor is refused naming the tensor, the
    /// element and its byte offset in the storage member. Every problem is an <see cref="InvalidDataException"/> naming the file.
    /// </summary>
    public static Dictionary<string, Tensor> Read(string path, string? key = null, bool requireFinite = true)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        Span<byte> head = stackalloc byte[4];
        int n = stream.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (n >= 1 && head[0] == 0x80)
            throw Bad(path, "a PyTorch file in the legacy format (torch.save before PyTorch 1.6, or _use_new_zipfile_serialization=False), " +
                            "which is not read; save it again with torch.save(state_dict, path) in PyTorch 1.6 or later");
        if (n < 4 || !head.SequenceEqual("PK\x03\x04"u8)) throw Bad(path, "not a PyTorch zip archive (torch.save) and not safetensors");
        stream.Position = 0;
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(stream, ZipArchiveMode.Read);
        }
        catch (InvalidDataException e)
        {
            throw Bad(path, $"not a readable zip archive: {e.Message}");
        }
        using (zip)
        {
            var archive = new TorchArchive(path, zip);
            var root = archive.Load();
            var (dict, where) = Select(path, root, key);
            return Materialize(archive, dict, where, requireFinite);
        }
    }

    private static (PickledDict Dict, string Where) Select(string path, object? root, string? key)
    {
        var node = root;
        var where = "the pickled object";
        foreach (var part in (key ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (node is not PickledDict d) throw Bad(path, $"--key '{key}': {where} is not a dict");
            if (!d.TryGet(part, out node))
                throw Bad(path, $"--key '{key}': {where} has no key '{part}' (its keys: {string.Join(", ", StringKeys(d).Take(30))})");
            where = $"key '{part}'";
        }
        if (node is not PickledDict dict) throw Bad(path, $"{where} is not a dict of tensors but {Kind(node)}");
        var nested = dict.Items.Where(p => p.Key is string && p.Value is PickledDict sub && sub.Items.Any(i => i.Value is PickledTensor))
            .Select(p => (string)p.Key!).ToList();
        foreach (var (k, v) in dict.Items)
        {
            if (k is not string name) throw Bad(path, $"{where} has a key that is not a string ({Kind(k)})");
            if (v is PickledTensor) continue;
            throw Bad(path, $"{where} is not a state dict: its key '{name}' holds {Kind(v)}, not a tensor" +
                            (nested.Count > 0 ? $"; dicts of tensors in it: {string.Join(", ", nested)} (choose one with --key)" : ""));
        }
        return (dict, where);
    }

    private static Dictionary<string, Tensor> Materialize(TorchArchive archive, PickledDict dict, string where, bool requireFinite)
    {
        var storages = new Dictionary<string, Tensor>();
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (k, v) in dict.Items)
            {
                var name = (string)k!;
                var t = (PickledTensor)v!;
                CheckBounds(archive.Path, name, t);
                if (!storages.TryGetValue(t.Storage.Key, out var storage))
                    storages[t.Storage.Key] = storage = archive.ReadStorage(t.Storage);
                using (var view = storage.as_strided(t.Size, t.Stride, t.Offset))
                    tensors[name] = empty(t.Size, t.Storage.Dtype).copy_(view);      // contiguous, its own memory
                if (requireFinite) RequireFinite(archive, name, t, tensors[name]);
            }
            return tensors;
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        finally
        {
            foreach (var s in storages.Values) s.Dispose();
        }
    }

    // Every element of the view lies inside its storage: offset + Σ (size_i − 1)·stride_i < numel.
    private static void CheckBounds(string path, string name, PickledTensor t)
    {
        if (t.Size.Length != t.Stride.Length || t.Size.Any(s => s < 0) || t.Stride.Any(s => s < 0) || t.Offset < 0)
            throw Bad(path, $"tensor '{name}': size ({string.Join(", ", t.Size)}), stride ({string.Join(", ", t.Stride)}) and offset {t.Offset} do not describe a view");
        if (t.Size.Contains(0)) return;
        long last = t.Offset;
        for (int i = 0; i < t.Size.Length; i++) last += (t.Size[i] - 1) * t.Stride[i];
        if (last >= t.Storage.Numel)
            throw Bad(path, string.Create(CultureInfo.InvariantCulture,
                $"tensor '{name}' [{string.Join(", ", t.Size)}] reaches element {last} of storage '{t.Storage.Key}', which holds {t.Storage.Numel}"));
    }

    private static void RequireFinite(TorchArchive archive, string name, PickledTensor t, Tensor value)
    {
        if (!value.is_floating_point() || value.NumberOfElements == 0) return;
        using var scope = NewDisposeScope();
        var bad = isfinite(value).logical_not().flatten().nonzero();
        if (bad.shape[0] == 0) return;
        long index = bad[0, 0].item<long>();
        double x = value.flatten()[index].to_type(ScalarType.Float64).item<double>();
        long element = t.Offset, rest = index;
        for (int i = t.Size.Length - 1; i >= 0; i--)
        {
            element += rest % t.Size[i] * t.Stride[i];
            rest /= t.Size[i];
        }
        string what = double.IsNaN(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf";
        throw Bad(archive.Path, string.Create(CultureInfo.InvariantCulture,
            $"member '{archive.StorageMember(t.Storage)}' byte {element * SafeTensorsLayout.ElementSize(t.Storage.Dtype)}: tensor '{name}' " +
            $"[{string.Join(", ", t.Size)}] holds {what} at element {index}: weights must be finite"));
    }

    private static IEnumerable<string> StringKeys(PickledDict d) => d.Items.Select(p => p.Key as string ?? Kind(p.Key));

    private static string Kind(object? v) => v switch
    {
        null => "None",
        PickledDict d => $"a dict of {d.Items.Count}",
        PickledTensor => "a tensor",
        string => "a string",
        long => "an integer",
        double => "a float",
        bool => "a boolean",
        object?[] t => $"a tuple of {t.Length}",
        List<object?> l => $"a list of {l.Count}",
        _ => $"a {v.GetType().Name}",
    };

    internal static InvalidDataException Bad(string path, string message) => new($"{path}: {message}");

    /// <summary>The members of one <c>torch.save</c> archive: its pickle and its storages.</summary>
    private sealed class TorchArchive
    {
        private readonly ZipArchive _zip;
        private readonly string _prefix;

        public TorchArchive(string path, ZipArchive zip)
        {
            Path = path;
            _zip = zip;
            var names = zip.Entries.Select(e => e.FullName).ToList();
            if (names.Any(n => n.EndsWith("/constants.pkl", StringComparison.Ordinal) || n.Contains("/code/", StringComparison.Ordinal)))
                throw Bad(path, "a TorchScript archive (torch.jit.save), not a state dict; save model.state_dict() with torch.save instead");
            var pickles = names.Where(n => n.EndsWith("/data.pkl", StringComparison.Ordinal) && n.IndexOf('/') == n.Length - "/data.pkl".Length).ToList();
            if (pickles.Count != 1)
                throw Bad(path, $"a zip archive with {pickles.Count} '<name>/data.pkl' members; torch.save writes exactly one");
            _prefix = pickles[0][..^"data.pkl".Length];
            var byteOrder = zip.GetEntry(_prefix + "byteorder");
            if (byteOrder is not null)
            {
                using var r = new StreamReader(byteOrder.Open(), Encoding.ASCII);
                var order = r.ReadToEnd().Trim();
                if (order != "little") throw Bad(path, $"member '{_prefix}byteorder' says '{order}'; only little-endian storages are read");
            }
        }

        public string Path { get; }

        public object? Load()
        {
            var entry = _zip.GetEntry(_prefix + "data.pkl")!;
            if (entry.Length > MaxPickleBytes) throw Bad(Path, $"member '{entry.FullName}' holds {entry.Length} bytes; a state dict's pickle is far smaller");
            var bytes = new byte[entry.Length];
            using (var s = entry.Open()) s.ReadExactly(bytes);
            return RestrictedUnpickler.Load(bytes, $"{Path}: member '{entry.FullName}'");
        }

        public string StorageMember(PickledStorage s) => $"{_prefix}data/{s.Key}";

        public Tensor ReadStorage(PickledStorage s)
        {
            var member = StorageMember(s);
            var entry = _zip.GetEntry(member) ?? throw Bad(Path, $"storage '{s.Key}' is named by the pickle but member '{member}' is missing");
            long want = s.Numel * SafeTensorsLayout.ElementSize(s.Dtype);
            if (entry.Length != want)
                throw Bad(Path, string.Create(CultureInfo.InvariantCulture,
                    $"member '{member}' holds {entry.Length} bytes; the pickle says {s.Numel} elements of {s.Dtype} ({want} bytes)"));
            if (want > Array.MaxLength) throw Bad(Path, $"member '{member}' holds {want} bytes; one storage may hold at most {Array.MaxLength}");
            var t = empty([s.Numel], s.Dtype);
            try
            {
                if (want > 0)
                {
                    using var stream = entry.Open();
                    stream.ReadExactly(t.bytes);
                }
                return t;
            }
            catch
            {
                t.Dispose();
                throw;
            }
        }
    }
}
