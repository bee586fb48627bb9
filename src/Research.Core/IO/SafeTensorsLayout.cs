using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using static TorchSharp.torch;

namespace Research.Core.IO;

/// <summary>
/// The validated layout of a safetensors file, read from its bytes before any tensor exists: the header is a JSON object
/// of unique names; each entry has a dtype of the allowed set, a non-negative shape whose size does not overflow, and
/// <c>data_offsets</c> holding exactly that many bytes; the entries' byte ranges, sorted, neither overlap nor leave a gap and
/// cover the data section exactly; <c>__metadata__</c> maps strings to strings; a stored checksum matches. Every problem is
/// an <see cref="InvalidDataException"/> naming the file, the byte offset and the tensor or key.
/// </summary>
public sealed class SafeTensorsLayout
{
    /// <summary>Metadata key of the SHA-256 of the whole file (<see cref="SafeTensorsChecksum.HeaderAndData"/>).</summary>
    public const string FileChecksumKey = "sha256_file";

    /// <summary>Metadata key of the SHA-256 of the data section only (<see cref="SafeTensorsChecksum.DataOnly"/>, older files).</summary>
    public const string DataChecksumKey = "sha256";

    private static readonly Dictionary<string, ScalarType> Dtypes = new(StringComparer.Ordinal)
    {
        ["F64"] = ScalarType.Float64, ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16, ["BF16"] = ScalarType.BFloat16,
        ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32, ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8,
        ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    private SafeTensorsLayout(string source, long dataStart, List<SafeTensorsEntry> entries, Dictionary<string, string> metadata,
        Dictionary<string, long> metadataOffsets, SafeTensorsChecksum checksum)
    {
        Source = source;
        DataStart = dataStart;
        Entries = entries;
        Metadata = metadata;
        MetadataOffsets = metadataOffsets;
        Checksum = checksum;
    }

    /// <summary>The file (or other source) named in errors.</summary>
    public string Source { get; }

    /// <summary>File offset of the data section (8 + header length).</summary>
    public long DataStart { get; }

    /// <summary>The tensors in header order.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>The <c>__metadata__</c> strings.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>File offset of each metadata key in the header (for errors).</summary>
    public IReadOnlyDictionary<string, long> MetadataOffsets { get; }

    /// <summary>The checksum the file carries, verified.</summary>
    public SafeTensorsChecksum Checksum { get; }

    /// <summary>The entry named <paramref name="name"/>, or null.</summary>
    public SafeTensorsEntry? Find(string name) => Entries.FirstOrDefault(e => e.Name == name);

    /// <summary>File offset of metadata key <paramref name="key"/> (of the header when absent).</summary>
    public long OffsetOf(string key) => MetadataOffsets.TryGetValue(key, out var at) ? at : 8;

    /// <summary>File offset of the first byte of <paramref name="entry"/>'s data.</summary>
    public long FileOffset(SafeTensorsEntry entry) => DataStart + entry.Begin;

    /// <summary>An <see cref="InvalidDataException"/> naming this file and the byte offset.</summary>
    public InvalidDataException Error(long offset, string message) => Bad(Source, offset, message);

    /// <summary>Index of the first NaN or ±Inf element of <paramref name="data"/> read as <paramref name="dtype"/> (−1 if none or not floating point).</summary>
    public static (long Index, string What) FirstNonFinite(ReadOnlySpan<byte> data, ScalarType dtype)
    {
        switch (dtype)
        {
            case ScalarType.Float32:
                var f = MemoryMarshal.Cast<byte, float>(data);
                for (int i = 0; i < f.Length; i++) if (!float.IsFinite(f[i])) return (i, Describe(f[i]));
                break;
            case ScalarType.Float64:
                var d = MemoryMarshal.Cast<byte, double>(data);
                for (int i = 0; i < d.Length; i++) if (!double.IsFinite(d[i])) return (i, Describe(d[i]));
                break;
            case ScalarType.Float16:
                var h = MemoryMarshal.Cast<byte, Half>(data);
                for (int i = 0; i < h.Length; i++) if (!Half.IsFinite(h[i])) return (i, Describe((double)h[i]));
                break;
            case ScalarType.BFloat16:
                var b = MemoryMarshal.Cast<byte, ushort>(data);
                for (int i = 0; i < b.Length; i++)
                {
                    float v = BitConverter.Int32BitsToSingle(b[i] << 16);
                    if (!float.IsFinite(v)) return (i, Describe(v));
                }
                break;
        }
        return (-1, "");
    }

    private static string Describe(double v) => double.IsNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";

    /// <summary>Size in bytes of one element of <paramref name="dtype"/>.</summary>
    public static long ElementSize(ScalarType dtype) => dtype switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    /// <summary>The safetensors name of <paramref name="dtype"/> (<c>F32</c> …), or null if the format has none.</summary>
    public static string? DtypeName(ScalarType dtype) => Dtypes.FirstOrDefault(p => p.Value == dtype).Key;

    /// <summary>The longest header read (the largest array .NET allocates); older checkpoints kept optimizer states in it.</summary>
    public static readonly long MaxHeaderBytes = Array.MaxLength;

    /// <summary>Parses and checks the whole layout of the safetensors bytes <paramref name="file"/>; <paramref name="source"/> names it in errors.</summary>
    public static SafeTensorsLayout Parse(byte[] file, string source)
    {
        using var stream = new MemoryStream(file, writable: false);
        return Parse(stream, source);
    }

    /// <summary>
    /// Parses and checks the whole layout of the seekable <paramref name="stream"/> (a file of any length: only the header is
    /// held in memory, and the checksum is computed in chunks); <paramref name="source"/> names it in errors.
    /// </summary>
    public static SafeTensorsLayout Parse(Stream stream, string source)
    {
        long fileLength = stream.Length;
        if (fileLength < 8) throw Bad(source, 0, $"file is {fileLength} bytes, shorter than the 8-byte header length: truncated?");
        Span<byte> prefix = stackalloc byte[8];
        stream.Position = 0;
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(fileLength - 8))
            throw Bad(source, 0, $"header length {headerLength} runs past the end of the file ({fileLength} bytes): truncated?");
        if (headerLength > (ulong)MaxHeaderBytes)
            throw Bad(source, 0, $"header length {headerLength} is more than the {MaxHeaderBytes} bytes a header may have");
        var header = new byte[headerLength];
        stream.ReadExactly(header);
        long dataStart = 8 + (long)headerLength, dataLength = fileLength - dataStart;
        var entries = new List<SafeTensorsEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var metadataOffsets = new Dictionary<string, long>(StringComparer.Ordinal);
        long fileChecksumAt = -1;
        var options = new JsonReaderOptions { MaxDepth = 8 };
        var reader = new Utf8JsonReader(header, options);
        try
        {
            var syntax = new Utf8JsonReader(header, options);
            while (syntax.Read()) { }                   // well-formed JSON first, so a syntax error is reported as one

            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw Bad(source, 8, $"header is not a JSON object (it starts with {reader.TokenType})");
            var names = new HashSet<string>(StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                long at = 8 + reader.TokenStartIndex;
                string name = reader.GetString()!;
                if (!names.Add(name)) throw Bad(source, at, $"duplicate name '{name}' in the header");
                reader.Read();
                if (name == "__metadata__") fileChecksumAt = ReadMetadata(ref reader, source, metadata, metadataOffsets);
                else entries.Add(ReadEntry(ref reader, source, name, at));
            }
            if (reader.Read()) throw Bad(source, 8 + reader.TokenStartIndex, "content after the header's JSON object");
        }
        catch (JsonException e)
        {
            throw Bad(source, 8 + (e.BytePositionInLine ?? 0), "header is not valid JSON: " + e.Message);
        }
        CheckRanges(source, entries, dataStart, dataLength, fileLength);
        var checksum = VerifyChecksums(stream, header, source, dataStart, metadata, metadataOffsets, fileChecksumAt);
        return new SafeTensorsLayout(source, dataStart, entries, metadata, metadataOffsets, checksum);
    }

    // Reads __metadata__ (string → string); returns the file offset of the sha256_file value's first hex digit, or −1.
    private static long ReadMetadata(ref Utf8JsonReader reader, string source, Dictionary<string, string> metadata, Dictionary<string, long> offsets)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw Bad(source, 8 + reader.TokenStartIndex, "__metadata__ is not an object");
        long checksumAt = -1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            long at = 8 + reader.TokenStartIndex;
            string key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.String) throw Bad(source, at, $"__metadata__ key '{key}' is not a string");
            if (!metadata.TryAdd(key, reader.GetString()!)) throw Bad(source, at, $"duplicate __metadata__ key '{key}'");
            offsets[key] = at;
            if (key == FileChecksumKey)
            {
                if (reader.ValueIsEscaped || reader.ValueSpan.Length != 64 || !IsHex(reader.ValueSpan))
                    throw Bad(source, at, $"__metadata__ key '{key}' is not 64 hexadecimal digits");
                checksumAt = 8 + reader.TokenStartIndex + 1;
            }
        }
        return checksumAt;
    }

    private static SafeTensorsEntry ReadEntry(ref Utf8JsonReader reader, string source, string name, long at)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw Bad(source, at, $"tensor '{name}': entry is not an object");
        string? dtypeName = null;
        long[]? shape = null, offsets = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string field = reader.GetString()!;
            reader.Read();
            switch (field)
            {
                case "dtype" when dtypeName is null:
                    if (reader.TokenType != JsonTokenType.String) throw Bad(source, at, $"tensor '{name}': dtype is not a string");
                    dtypeName = reader.GetString()!;
                    break;
                case "shape" when shape is null:
                    shape = ReadIntegers(ref reader, source, name, "shape", at);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(ref reader, source, name, "data_offsets", at);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Bad(source, at, $"tensor '{name}': duplicate {field}");
                default:
                    reader.Skip();
                    break;
            }
        }
        if (dtypeName is null || shape is null || offsets is null)
            throw Bad(source, at, $"tensor '{name}' has no {(dtypeName is null ? "dtype" : shape is null ? "shape" : "data_offsets")}");
        if (!Dtypes.TryGetValue(dtypeName, out var dtype))
            throw Bad(source, at, $"tensor '{name}': unsupported dtype {dtypeName} (allowed: {string.Join(", ", Dtypes.Keys)})");
        long bytes;
        try
        {
            bytes = checked(shape.Aggregate(1L, (a, b) => a * b) * ElementSize(dtype));
        }
        catch (OverflowException)
        {
            throw Bad(source, at, $"tensor '{name}': shape [{string.Join(", ", shape)}] {dtypeName} has more bytes than 64 bits can count");
        }
        if (offsets.Length != 2 || offsets[1] < offsets[0] || offsets[1] - offsets[0] != bytes)
            throw Bad(source, at, $"tensor '{name}': data_offsets [{string.Join(", ", offsets)}] do not hold the {bytes} bytes of shape [{string.Join(", ", shape)}] {dtypeName}");
        return new SafeTensorsEntry(name, dtype, shape, offsets[0], offsets[1], at);
    }

    private static long[] ReadIntegers(ref Utf8JsonReader reader, string source, string name, string field, long at)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw Bad(source, at, $"tensor '{name}': {field} is not an array");
        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v) || v < 0)
                throw Bad(source, at, $"tensor '{name}': {field} holds {Token(ref reader)}, not a non-negative 64-bit integer");
            values.Add(v);
        }
        return values.ToArray();
    }

    private static string Token(ref Utf8JsonReader reader) =>
        reader.TokenType is JsonTokenType.Number or JsonTokenType.String ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan) : reader.TokenType.ToString();

    // Sorted by start, the ranges must tile [0, dataLength): no overlap (two tensors reading the same bytes), no gap.
    private static void CheckRanges(string source, List<SafeTensorsEntry> entries, long dataStart, long dataLength, long fileLength)
    {
        foreach (var e in entries)
            if (e.End > dataLength)
                throw Bad(source, dataStart + e.Begin, $"tensor '{e.Name}' ends at byte {dataStart + e.End}, past the end of the file ({fileLength} bytes): truncated?");
        long covered = 0;
        SafeTensorsEntry? previous = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin < covered)
                throw Bad(source, dataStart + e.Begin, $"tensors '{previous!.Name}' [{previous.Begin}, {previous.End}) and '{e.Name}' [{e.Begin}, {e.End}) overlap");
            if (e.Begin > covered)
                throw Bad(source, dataStart + covered, $"data bytes [{covered}, {e.Begin}) before tensor '{e.Name}' belong to no tensor");
            covered = e.End;
            previous = e;
        }
        if (covered != dataLength)
            throw Bad(source, dataStart + covered, $"the last {dataLength - covered} data bytes belong to no tensor");
    }

    private static SafeTensorsChecksum VerifyChecksums(Stream stream, byte[] header, string source, long dataStart, Dictionary<string, string> metadata,
        Dictionary<string, long> offsets, long fileChecksumAt)
    {
        var kind = SafeTensorsChecksum.None;
        long fileLength = stream.Length;
        if (metadata.TryGetValue(DataChecksumKey, out var dataHash))
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            AppendRange(sha, stream, dataStart, fileLength);
            var actual = Convert.ToHexString(sha.GetHashAndReset());
            if (!string.Equals(actual, dataHash, StringComparison.OrdinalIgnoreCase))
                throw Bad(source, dataStart, $"checksum mismatch: the data section ({fileLength - dataStart} bytes) does not hash to the stored " +
                                             $"SHA-256 (__metadata__.{DataChecksumKey}); the file is corrupt or truncated");
            kind = SafeTensorsChecksum.DataOnly;
        }
        if (fileChecksumAt >= 0)
        {
            // The 8-byte length and the header with the stored value read as 64 '0's, then the data section in chunks.
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            Span<byte> prefix = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            sha.AppendData(prefix);
            int at = (int)(fileChecksumAt - 8);
            sha.AppendData(header.AsSpan(0, at));
            Span<byte> zeros = stackalloc byte[64];
            zeros.Fill((byte)'0');
            sha.AppendData(zeros);
            sha.AppendData(header.AsSpan(at + 64));
            AppendRange(sha, stream, dataStart, fileLength);
            var actual = Convert.ToHexString(sha.GetHashAndReset());
            if (!string.Equals(actual, metadata[FileChecksumKey], StringComparison.OrdinalIgnoreCase))
                throw Bad(source, offsets[FileChecksumKey], $"checksum mismatch: the file ({fileLength} bytes, header included) does not hash to " +
                                                            $"the stored SHA-256 (__metadata__.{FileChecksumKey}); the file is corrupt, truncated or edited");
            kind = SafeTensorsChecksum.HeaderAndData;
        }
        return kind;
    }

    // Hashes the stream's bytes [from, to) in chunks of 1 MiB.
    private static void AppendRange(IncrementalHash sha, Stream stream, long from, long to)
    {
        var buffer = new byte[(int)Math.Min(1 << 20, Math.Max(1, to - from))];
        stream.Position = from;
        for (long left = to - from; left > 0;)
        {
            int n = (int)Math.Min(buffer.Length, left);
            stream.ReadExactly(buffer, 0, n);
            sha.AppendData(buffer, 0, n);
            left -= n;
        }
    }

    private static bool IsHex(ReadOnlySpan<byte> s)
    {
        foreach (var c in s)
            if (!char.IsAsciiHexDigit((char)c)) return false;
        return true;
    }

    private static InvalidDataException Bad(string source, long offset, string message) =>
        new(string.Create(CultureInfo.InvariantCulture, $"{source}: byte {offset}: {message}"));
}
