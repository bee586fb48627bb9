using System.Buffers.Binary;
using System.Text.Json;

namespace Research.UnitTests.Training;

/// <summary>
/// A minimal safetensors parser written from the format's description alone, sharing no code with Research.Core.IO, to
/// check what our writer produces: an 8-byte little-endian header length, a JSON header, each tensor's <c>data_offsets</c>
/// relative to the first byte after the header; the ranges, sorted, are contiguous from 0, do not overlap, end at the end of
/// the file, and each spans dtype size × the product of its shape.
/// </summary>
public static class MinimalSafeTensors
{
    private static readonly Dictionary<string, long> Sizes = new()
    {
        ["F64"] = 8, ["I64"] = 8, ["F32"] = 4, ["I32"] = 4, ["F16"] = 2, ["BF16"] = 2, ["I16"] = 2, ["I8"] = 1, ["U8"] = 1, ["BOOL"] = 1,
    };

    /// <summary>One tensor: dtype, shape, and its absolute byte range in the file.</summary>
    public sealed record Entry(string Dtype, long[] Shape, long Start, long Length);

    /// <summary>The header length, the metadata and every tensor of <paramref name="path"/>; throws (an assertion) on any violation.</summary>
    public static (long HeaderLength, Dictionary<string, string> Metadata, Dictionary<string, Entry> Tensors) Parse(string path)
    {
        using var f = File.OpenRead(path);
        var prefix = new byte[8];
        f.ReadExactly(prefix);
        long n = (long)BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        Assert.That(n, Is.LessThanOrEqualTo(f.Length - 8), "header inside the file");
        var header = new byte[n];
        f.ReadExactly(header);
        using var doc = JsonDocument.Parse(header);
        var metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, Entry>();
        foreach (var p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__")
            {
                foreach (var m in p.Value.EnumerateObject()) metadata[m.Name] = m.Value.GetString()!;
                continue;
            }
            var dtype = p.Value.GetProperty("dtype").GetString()!;
            var shape = p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            var offsets = p.Value.GetProperty("data_offsets").EnumerateArray().Select(d => d.GetInt64()).ToArray();
            Assert.That(offsets, Has.Length.EqualTo(2), p.Name);
            Assert.That(offsets[1] - offsets[0], Is.EqualTo(Sizes[dtype] * shape.Aggregate(1L, (a, b) => a * b)), $"{p.Name}: dtype size × shape = byte span");
            tensors.Add(p.Name, new Entry(dtype, shape, 8 + n + offsets[0], offsets[1] - offsets[0]));
        }
        long next = 8 + n;
        foreach (var (name, e) in tensors.OrderBy(t => t.Value.Start))
        {
            Assert.That(e.Start, Is.EqualTo(next), $"{name}: contiguous with the previous tensor, no overlap, no gap");
            next = e.Start + e.Length;
        }
        Assert.That(next, Is.EqualTo(f.Length), "the last tensor ends at the end of the file");
        return (n, metadata, tensors);
    }

    /// <summary>The bytes of <paramref name="entry"/> in <paramref name="path"/>.</summary>
    public static byte[] Bytes(string path, Entry entry)
    {
        using var f = File.OpenRead(path);
        f.Position = entry.Start;
        var bytes = new byte[entry.Length];
        f.ReadExactly(bytes);
        return bytes;
    }
}
