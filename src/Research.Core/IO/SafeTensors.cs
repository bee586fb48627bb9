using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.IO;

/// <summary>
/// Reader and writer of the safetensors format (8-byte little-endian header length, a JSON header
/// <c>{name: {dtype, shape, data_offsets}, "__metadata__": {…}}</c>, then raw little-endian bytes).
/// Loading never executes code. Malformed files raise <see cref="InvalidDataException"/> naming the
/// file and the byte offset.
/// </summary>
public static class SafeTensors
{
    private static readonly Dictionary<ScalarType, string> DtypeNames = new()
    {
        [ScalarType.Float32] = "F32", [ScalarType.Float64] = "F64", [ScalarType.Float16] = "F16",
        [ScalarType.BFloat16] = "BF16", [ScalarType.Int64] = "I64", [ScalarType.Int32] = "I32",
        [ScalarType.Int16] = "I16", [ScalarType.Int8] = "I8", [ScalarType.Byte] = "U8", [ScalarType.Bool] = "BOOL",
    };

    /// <summary>Metadata key of the SHA-256 of the data section; when present, <see cref="Read(byte[], string)"/> verifies it.</summary>
    public const string ChecksumKey = "sha256";

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device; copied to CPU) and string metadata to a stream.
    /// With <paramref name="checksum"/>, the SHA-256 of the data section is stored in the metadata.
    /// </summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null, bool checksum = false)
    {
        var header = new JsonObject();
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors)
        {
            if (!DtypeNames.TryGetValue(tensor.dtype, out var dtypeName))
                throw new NotSupportedException($"safetensors: tensor '{name}' has unsupported dtype {tensor.dtype}");
            using var cpu = tensor.detach().cpu().contiguous();
            var bytes = cpu.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = dtypeName,
                ["shape"] = new JsonArray(cpu.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes.Length),
            };
            offset += bytes.Length;
            blobs.Add(bytes);
        }
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>());
        meta.Remove(ChecksumKey);                    // a copied-over hash of other data would be wrong; recomputed below if asked
        if (checksum)
        {
            using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
            foreach (var b in blobs) sha.AppendData(b);
            meta[ChecksumKey] = Convert.ToHexString(sha.GetHashAndReset());
        }
        if (meta.Count > 0)
        {
            var metaNode = new JsonObject();
            foreach (var (k, v) in meta) metaNode[k] = v;
            // __metadata__ first, as the reference writer does.
            var ordered = new JsonObject { ["__metadata__"] = metaNode };
            foreach (var (k, v) in header.ToList()) { header.Remove(k); ordered[k] = v; }
            header = ordered;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int pad = (8 - json.Length % 8) % 8; // align the data section to 8 bytes, padded with spaces as the reference writer does
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)(json.Length + pad));
        stream.Write(len);
        stream.Write(json);
        for (int i = 0; i < pad; i++) stream.WriteByte((byte)' ');
        foreach (var b in blobs) stream.Write(b);
    }

    /// <summary>Writes a file (not atomically; see <see cref="AtomicFile"/> for that).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null, bool checksum = false)
    {
        using var fs = File.Create(path);
        Write(fs, tensors, metadata, checksum);
    }

    /// <summary>Reads every tensor (CPU) and the metadata of a file. The caller owns (disposes) the tensors.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        return Read(bytes, path);
    }

    /// <summary>Reads from a byte buffer; <paramref name="source"/> names it in errors.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(byte[] bytes, string source)
    {
        if (bytes.Length < 8) throw Bad(source, 0, $"file is {bytes.Length} bytes, shorter than the 8-byte header length: truncated?");
        ulong headerLen = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLen > (ulong)(bytes.Length - 8)) throw Bad(source, 0, $"header length {headerLen} runs past the end of the file ({bytes.Length} bytes): truncated?");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLen))?.AsObject() ?? throw Bad(source, 8, "header is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Bad(source, 8 + (e.BytePositionInLine ?? 0), "header is not valid JSON: " + e.Message);
        }
        long dataStart = 8 + (long)headerLen, dataLen = bytes.Length - dataStart;
        if (header["__metadata__"]?[ChecksumKey]?.GetValue<string>() is { } expectedHash)
        {
            var actual = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes.AsSpan((int)dataStart)));
            if (!string.Equals(actual, expectedHash, StringComparison.OrdinalIgnoreCase))
                throw Bad(source, dataStart, $"checksum mismatch: the data section ({dataLen} bytes) does not hash to the stored SHA-256; the file is corrupt or truncated");
        }
        var metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    foreach (var (k, v) in node!.AsObject()) metadata[k] = v?.GetValue<string>() ?? "";
                    continue;
                }
                var entry = node as JsonObject ?? throw Bad(source, 8, $"entry '{name}' is not an object");
                var dtypeName = entry["dtype"]?.GetValue<string>() ?? throw Bad(source, 8, $"entry '{name}' has no dtype");
                var dtype = DtypeNames.FirstOrDefault(p => p.Value == dtypeName).Key;
                if (!DtypeNames.ContainsKey(dtype) || DtypeNames[dtype] != dtypeName) throw Bad(source, 8, $"entry '{name}': unsupported dtype {dtypeName}");
                var shape = entry["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                var offs = entry["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                long expected = shape.Aggregate(1L, (a, b) => a * b) * ElementSize(dtype);
                if (offs.Length != 2 || offs[0] < 0 || offs[1] < offs[0] || offs[1] - offs[0] != expected)
                    throw Bad(source, 8, $"entry '{name}': data_offsets [{string.Join(", ", offs)}] do not hold {expected} bytes for shape [{string.Join(", ", shape)}] {dtypeName}");
                if (offs[1] > dataLen)
                    throw Bad(source, dataStart + offs[0], $"entry '{name}' ends at byte {dataStart + offs[1]}, past the end of the file ({bytes.Length} bytes): truncated?");
                var t = empty(shape, dtype);
                t.bytes = bytes.AsSpan((int)(dataStart + offs[0]), (int)expected);
                tensors[name] = t;
            }
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return (tensors, metadata);
    }

    private static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    private static InvalidDataException Bad(string source, long offset, string message) =>
        new($"{source}: byte {offset}: {message}");
}
