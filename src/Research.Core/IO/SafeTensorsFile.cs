using static TorchSharp.torch;

namespace Research.Core.IO;

/// <summary>
/// An open safetensors file read by offsets: the header is parsed and the whole layout and checksum checked when it is opened
/// (<see cref="SafeTensorsLayout.Parse(Stream, string)"/>), then each tensor is read from its own byte range with 64-bit
/// offsets, straight into the tensor's memory. The file is never loaded whole, so files over 2 GiB read like small ones (one
/// tensor may hold at most 2 GiB). Readers may share the file; the caller disposes this object and the tensors it returns.
/// </summary>
public sealed class SafeTensorsFile : IDisposable
{
    private const int ChunkBytes = 1 << 20;
    private readonly Stream _stream;

    private SafeTensorsFile(Stream stream, SafeTensorsLayout layout)
    {
        _stream = stream;
        Layout = layout;
    }

    /// <summary>The validated layout: entries, metadata, checksum kind.</summary>
    public SafeTensorsLayout Layout { get; }

    /// <summary>Opens and checks <paramref name="path"/> (<see cref="InvalidDataException"/> naming the file and byte offset).</summary>
    public static SafeTensorsFile Open(string path)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        try
        {
            return new SafeTensorsFile(stream, SafeTensorsLayout.Parse(stream, path));
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>Checks safetensors bytes held in memory; <paramref name="source"/> names them in errors.</summary>
    public static SafeTensorsFile FromBytes(byte[] bytes, string source)
    {
        var stream = new MemoryStream(bytes, writable: false);
        return new SafeTensorsFile(stream, SafeTensorsLayout.Parse(stream, source));
    }

    /// <summary>The entry named <paramref name="name"/> as a new CPU tensor (the caller owns it).</summary>
    public Tensor Read(string name) => Read(Layout.Find(name) ?? throw Layout.Error(8, $"no tensor '{name}'"));

    /// <summary>The tensor of <paramref name="entry"/>, read from its offset into a new CPU tensor (the caller owns it).</summary>
    public Tensor Read(SafeTensorsEntry entry)
    {
        long length = CheckedLength(entry);
        var t = empty(entry.Shape, entry.Dtype);
        try
        {
            if (length > 0)
            {
                _stream.Position = Layout.FileOffset(entry);
                _stream.ReadExactly(t.bytes);
            }
            return t;
        }
        catch
        {
            t.Dispose();
            throw;
        }
    }

    /// <summary>Every entry (or those of <paramref name="entries"/>) by name, as CPU tensors; none is left alive if one read fails.</summary>
    public Dictionary<string, Tensor> ReadAll(IEnumerable<SafeTensorsEntry>? entries = null)
    {
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var e in entries ?? Layout.Entries) tensors[e.Name] = Read(e);
        }
        catch
        {
            foreach (var t in tensors.Values) t.Dispose();
            throw;
        }
        return tensors;
    }

    /// <summary>The raw little-endian bytes of <paramref name="entry"/>.</summary>
    public byte[] ReadBytes(SafeTensorsEntry entry)
    {
        var bytes = new byte[CheckedLength(entry)];
        _stream.Position = Layout.FileOffset(entry);
        _stream.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>
    /// Index of the first NaN or ±Inf element of a floating-point <paramref name="entry"/> (−1 if none or not floating point)
    /// and what it is, read in chunks of 1 MiB.
    /// </summary>
    public (long Index, string What) FirstNonFinite(SafeTensorsEntry entry)
    {
        if (entry.Dtype is not (ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16)) return (-1, "");
        long size = SafeTensorsLayout.ElementSize(entry.Dtype), length = entry.End - entry.Begin;
        var buffer = new byte[(int)Math.Min(ChunkBytes, length)];
        _stream.Position = Layout.FileOffset(entry);
        for (long done = 0; done < length;)
        {
            int n = (int)Math.Min(buffer.Length, length - done);    // a multiple of the element size: 1 MiB is
            _stream.ReadExactly(buffer, 0, n);
            var (index, what) = SafeTensorsLayout.FirstNonFinite(buffer.AsSpan(0, n), entry.Dtype);
            if (index >= 0) return (done / size + index, what);
            done += n;
        }
        return (-1, "");
    }

    private long CheckedLength(SafeTensorsEntry entry)
    {
        long length = entry.End - entry.Begin;
        if (length > Array.MaxLength)
            throw Layout.Error(entry.HeaderOffset, $"tensor '{entry.Name}' holds {length} bytes; one tensor may hold at most {Array.MaxLength}");
        return length;
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
