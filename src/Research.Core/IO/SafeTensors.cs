using System.Buffers.Binary;
using System.Text;
using System.Text.Json.Nodes;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.IO;

/// <summary>
/// Reader and writer of the safetensors format (8-byte little-endian header length, a JSON header
/// <c>{name: {dtype, shape, data_offsets}, "__metadata__": {…}}</c>, then raw little-endian bytes).
/// Loading never executes code and checks the whole layout before any tensor exists (<see cref="SafeTensorsLayout"/>).
/// Malformed files raise <see cref="InvalidDataException"/> naming the file, the byte offset and the tensor or key.
/// </summary>
public static class SafeTensors
{
    /// <summary>Metadata key of the checksum <see cref="Write(Stream, IEnumerable{KeyValuePair{string, Tensor}}, IReadOnlyDictionary{string, string}?, bool)"/> stores (<see cref="SafeTensorsChecksum.HeaderAndData"/>).</summary>
    public const string ChecksumKey = SafeTensorsLayout.FileChecksumKey;

    /// <summary>
    /// Writes <paramref name="tensors"/> (any device; copied to CPU) and string metadata to a stream. With
    /// <paramref name="checksum"/>, the SHA-256 of the whole file (header included, its own 64 hex digits read as <c>0</c>s) is
    /// stored as <c>__metadata__.sha256_file</c> (<see cref="SafeTensorsChecksum.HeaderAndData"/>).
    /// </summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null, bool checksum = false)
    {
        var list = tensors.ToList();
        var header = new JsonObject();
        long offset = 0;
        foreach (var (name, tensor) in list)
        {
            var dtypeName = SafeTensorsLayout.DtypeName(tensor.dtype)
                ?? throw new NotSupportedException($"safetensors: tensor '{name}' has unsupported dtype {tensor.dtype}");
            long length = tensor.NumberOfElements * SafeTensorsLayout.ElementSize(tensor.dtype);
            header[name] = new JsonObject
            {
                ["dtype"] = dtypeName,
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + length),
            };
            offset += length;
        }
        var meta = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>());
        // A copied-over hash of other content would be wrong; recomputed below if asked.
        meta.Remove(SafeTensorsLayout.DataChecksumKey);
        meta.Remove(SafeTensorsLayout.FileChecksumKey);
        if (checksum) meta[SafeTensorsLayout.FileChecksumKey] = new string('0', 64);
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
        var prefix = new byte[8 + json.Length + pad];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)(json.Length + pad));
        json.CopyTo(prefix, 8);
        prefix.AsSpan(8 + json.Length).Fill((byte)' ');
        if (!checksum)
        {
            stream.Write(prefix);
            WriteData(stream, list, null);
            return;
        }
        // The hash covers the prefix with the placeholder's 64 zeros (as the reader substitutes them) and the data. On a seekable
        // stream the data is hashed as it is written and the value patched in; otherwise it is hashed in a first pass.
        int at = 8 + ChecksumValueAt(json);
        using var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        sha.AppendData(prefix);
        if (stream.CanSeek)
        {
            long start = stream.Position;
            stream.Write(prefix);
            WriteData(stream, list, sha);
            long end = stream.Position;
            stream.Position = start + at;
            stream.Write(Encoding.ASCII.GetBytes(Convert.ToHexString(sha.GetHashAndReset())));
            stream.Position = end;
            return;
        }
        WriteData(Stream.Null, list, sha);
        Encoding.ASCII.GetBytes(Convert.ToHexString(sha.GetHashAndReset())).CopyTo(prefix, at);
        stream.Write(prefix);
        WriteData(stream, list, null);
    }

    // Each tensor's bytes in order (copied to CPU one at a time), hashed too when sha is given.
    private static void WriteData(Stream stream, List<KeyValuePair<string, Tensor>> tensors, System.Security.Cryptography.IncrementalHash? sha)
    {
        foreach (var (_, tensor) in tensors)
        {
            if (tensor.NumberOfElements == 0) continue;
            // Every handle of the chain is disposed here: an intermediate left to the finalizer keeps the tensor's storage
            // alive (a draw's partial file rewritten 50 times held 12.8 GB until its end).
            using var scope = NewDisposeScope();
            var cpu = tensor.detach().cpu().contiguous();
            ReadOnlySpan<byte> bytes = cpu.bytes;
            sha?.AppendData(bytes);
            stream.Write(bytes);
        }
    }

    // Offset in the header JSON of the first digit of the sha256_file placeholder (written once by the writer above).
    private static int ChecksumValueAt(byte[] json)
    {
        var key = Encoding.UTF8.GetBytes($"\"{SafeTensorsLayout.FileChecksumKey}\":\"");
        int at = json.AsSpan().IndexOf(key);
        if (at < 0 || json.AsSpan(at + 1).IndexOf(key) >= 0) throw new InvalidOperationException("safetensors: checksum placeholder not found once");
        return at + key.Length;
    }

    /// <summary>Writes a file (not atomically; see <see cref="AtomicFile"/> for that).</summary>
    public static void Write(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null, bool checksum = false)
    {
        using var fs = File.Create(path);
        Write(fs, tensors, metadata, checksum);
    }

    /// <summary>
    /// Reads every tensor (CPU) and the metadata of a file, each tensor from its offset (<see cref="SafeTensorsFile"/>): the
    /// whole layout and checksum are checked first, so a malformed file creates no tensor. The caller owns (disposes) the tensors.
    /// </summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(string path)
    {
        using var file = SafeTensorsFile.Open(path);
        return (file.ReadAll(), new Dictionary<string, string>(file.Layout.Metadata));
    }

    /// <summary>Reads from a byte buffer; <paramref name="source"/> names it in errors.</summary>
    public static (Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata) Read(byte[] bytes, string source)
    {
        using var file = SafeTensorsFile.FromBytes(bytes, source);
        return (file.ReadAll(), new Dictionary<string, string>(file.Layout.Metadata));
    }
}
