using System.Buffers.Binary;
using System.IO.Compression;

namespace Research.Data.Images;

/// <summary>
/// Reads and writes the idx format of MNIST and Fashion-MNIST (LeCun et al.; <c>train-images-idx3-ubyte.gz</c> …):
/// a big-endian magic number (two zero bytes, the type code 0x08 = unsigned byte, the number of dimensions), one
/// big-endian int32 per dimension, then the data. Files ending in <c>.gz</c> are gzip-compressed.
/// Malformed files raise <see cref="InvalidDataException"/> naming the file and the byte offset (in the decompressed
/// data for .gz files).
/// </summary>
public static class IdxFile
{
    /// <summary>Magic number of an idx3-ubyte image file (N × rows × cols).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an idx1-ubyte label file (N).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>Reads <paramref name="path"/>, which must carry <paramref name="expectedMagic"/>.</summary>
    public static IdxData Read(string path, int expectedMagic)
    {
        var bytes = ReadAllBytes(path);
        if (bytes.Length < 4) throw Bad(path, bytes.Length, $"truncated: the 4-byte magic number ends after {bytes.Length} bytes");
        int magic = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (magic != expectedMagic)
            throw Bad(path, 0, $"magic number 0x{magic:X8} is not that of {Describe(expectedMagic)} (expected 0x{expectedMagic:X8}): wrong or corrupt file");
        int rank = expectedMagic & 0xFF;
        int headerEnd = 4 + 4 * rank;
        if (bytes.Length < headerEnd) throw Bad(path, bytes.Length, $"truncated header: {rank} dimensions need {headerEnd} bytes, the file has {bytes.Length}");
        var dims = new int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (dims[i] < 0) throw Bad(path, 4 + 4 * i, $"negative dimension {dims[i]}");
            size *= dims[i];
        }
        long have = bytes.Length - headerEnd;
        if (have < size)
            throw Bad(path, bytes.Length, $"truncated: [{string.Join(" × ", dims)}] needs {size} data bytes after the {headerEnd}-byte header, the file ends after {have}");
        if (have > size) throw Bad(path, headerEnd + size, $"{have - size} unexpected bytes after the [{string.Join(" × ", dims)}] data");
        return new IdxData(dims, bytes.AsSpan(headerEnd).ToArray());
    }

    /// <summary>
    /// The dimensions in the header of <paramref name="path"/> (decompressing only its first bytes), which must carry
    /// <paramref name="expectedMagic"/>: a cheap look before a run loads the whole file.
    /// </summary>
    public static int[] ReadDimensions(string path, int expectedMagic)
    {
        using var file = File.OpenRead(path);
        using Stream input = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        int rank = expectedMagic & 0xFF;
        var header = new byte[4 + 4 * rank];
        int read;
        try
        {
            read = input.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw Bad(path, 0, $"not a valid gzip stream: {e.Message}");
        }
        if (read < 4) throw Bad(path, read, $"truncated: the 4-byte magic number ends after {read} bytes");
        int magic = BinaryPrimitives.ReadInt32BigEndian(header);
        if (magic != expectedMagic)
            throw Bad(path, 0, $"magic number 0x{magic:X8} is not that of {Describe(expectedMagic)} (expected 0x{expectedMagic:X8}): wrong or corrupt file");
        if (read < header.Length) throw Bad(path, read, $"truncated header: {rank} dimensions need {header.Length} bytes, the file has {read}");
        return Enumerable.Range(0, rank).Select(i => BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(4 + 4 * i))).ToArray();
    }

    /// <summary>Writes unsigned-byte data with its dimensions (gzip-compressed when the path ends in .gz). Not atomic.</summary>
    public static void Write(string path, int[] dimensions, ReadOnlySpan<byte> data)
    {
        long size = dimensions.Aggregate(1L, (a, d) => a * d);
        if (size != data.Length) throw new ArgumentException($"[{string.Join(" × ", dimensions)}] needs {size} bytes, got {data.Length}");
        using var file = File.Create(path);
        using Stream output = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? new GZipStream(file, CompressionLevel.SmallestSize) : file;
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, 0x00000800 | dimensions.Length);
        output.Write(word);
        foreach (var d in dimensions)
        {
            BinaryPrimitives.WriteInt32BigEndian(word, d);
            output.Write(word);
        }
        output.Write(data);
    }

    private static byte[] ReadAllBytes(string path)
    {
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)) return File.ReadAllBytes(path);
        using var file = File.OpenRead(path);
        using var gz = new GZipStream(file, CompressionMode.Decompress);
        using var buffer = new MemoryStream();
        try
        {
            gz.CopyTo(buffer);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: byte {file.Position} (compressed): not a valid gzip stream after {buffer.Length} decompressed bytes: {e.Message}", e);
        }
        return buffer.ToArray();
    }

    private static string Describe(int magic) => magic switch
    {
        ImagesMagic => "an idx3-ubyte image file",
        LabelsMagic => "an idx1-ubyte label file",
        _ => $"an idx file with type 0x{(magic >> 8) & 0xFF:X2} and {magic & 0xFF} dimensions",
    };

    private static InvalidDataException Bad(string path, long offset, string message) =>
        new($"{path}: byte {offset}{(path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? " of the decompressed data" : "")}: {message}");
}
