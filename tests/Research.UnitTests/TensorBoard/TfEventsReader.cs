using System.Buffers.Binary;
using System.Text;
using Research.Training.TensorBoard;

namespace Research.UnitTests.TensorBoard;

/// <summary>An image summary read back: size, colour space and the encoded bytes.</summary>
internal sealed record TfImage(int Height, int Width, int Colorspace, byte[] Encoded);

/// <summary>One summary value: a tag with a scalar or an image.</summary>
internal sealed record TfValue(string Tag, float? Simple, TfImage? Image);

/// <summary>One event: wall time, step, file version (first event only) and summary values.</summary>
internal sealed record TfEvent(double WallTime, long Step, string? FileVersion, IReadOnlyList<TfValue> Values);

/// <summary>
/// Reads a TensorBoard event file independently of the writer: TFRecord framing with both masked CRC-32C checked on
/// every record, and a minimal protobuf decoder for Event / Summary / Value / Image that skips unknown fields.
/// </summary>
internal static class TfEventsReader
{
    public static List<TfEvent> Read(string path) => Read(File.ReadAllBytes(path), path);

    public static List<TfEvent> Read(byte[] bytes, string source)
    {
        var events = new List<TfEvent>();
        int pos = 0;
        while (pos < bytes.Length)
        {
            if (bytes.Length - pos < 12) throw new InvalidDataException($"{source}: byte {pos}: truncated record header");
            var lengthBytes = bytes.AsSpan(pos, 8);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(lengthBytes);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 8));
            if (lengthCrc != Crc32C.Masked(lengthBytes)) throw new InvalidDataException($"{source}: byte {pos + 8}: length CRC mismatch");
            if ((ulong)(bytes.Length - pos - 16) < length) throw new InvalidDataException($"{source}: byte {pos}: truncated record data");
            var data = bytes.AsSpan(pos + 12, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(pos + 12 + (int)length));
            if (dataCrc != Crc32C.Masked(data)) throw new InvalidDataException($"{source}: byte {pos + 12 + (int)length}: data CRC mismatch");
            events.Add(DecodeEvent(data.ToArray()));
            pos += 16 + (int)length;
        }
        return events;
    }

    private static TfEvent DecodeEvent(byte[] message)
    {
        double wallTime = 0;
        long step = 0;
        string? version = null;
        var values = new List<TfValue>();
        foreach (var (field, wire, scalar, bytes) in Fields(message))
            switch (field)
            {
                case 1 when wire == 1: wallTime = BitConverter.Int64BitsToDouble((long)scalar); break;
                case 2 when wire == 0: step = (long)scalar; break;
                case 3 when wire == 2: version = Encoding.UTF8.GetString(bytes!); break;
                case 5 when wire == 2:
                    foreach (var (f, w, _, value) in Fields(bytes!))
                        if (f == 1 && w == 2) values.Add(DecodeValue(value!));
                    break;
            }
        return new TfEvent(wallTime, step, version, values);
    }

    private static TfValue DecodeValue(byte[] message)
    {
        string tag = "";
        float? simple = null;
        TfImage? image = null;
        foreach (var (field, wire, scalar, bytes) in Fields(message))
            switch (field)
            {
                case 1 when wire == 2: tag = Encoding.UTF8.GetString(bytes!); break;
                case 2 when wire == 5: simple = BitConverter.Int32BitsToSingle((int)scalar); break;
                case 4 when wire == 2:
                    int h = 0, w = 0, c = 0;
                    byte[] encoded = [];
                    foreach (var (f, wt, v, b) in Fields(bytes!))
                        switch (f)
                        {
                            case 1 when wt == 0: h = (int)v; break;
                            case 2 when wt == 0: w = (int)v; break;
                            case 3 when wt == 0: c = (int)v; break;
                            case 4 when wt == 2: encoded = b!; break;
                        }
                    image = new TfImage(h, w, c, encoded);
                    break;
            }
        return new TfValue(tag, simple, image);
    }

    /// <summary>(field, wire type, numeric value for varint/fixed, bytes for length-delimited).</summary>
    private static IEnumerable<(int Field, int Wire, ulong Scalar, byte[]? Bytes)> Fields(byte[] message)
    {
        int pos = 0;
        while (pos < message.Length)
        {
            ulong key = Varint(message, ref pos);
            int field = (int)(key >> 3), wire = (int)(key & 7);
            switch (wire)
            {
                case 0: yield return (field, wire, Varint(message, ref pos), null); break;
                case 1: yield return (field, wire, BinaryPrimitives.ReadUInt64LittleEndian(message.AsSpan(pos, 8)), null); pos += 8; break;
                case 5: yield return (field, wire, BinaryPrimitives.ReadUInt32LittleEndian(message.AsSpan(pos, 4)), null); pos += 4; break;
                case 2:
                    int length = (int)Varint(message, ref pos);
                    yield return (field, wire, 0, message.AsSpan(pos, length).ToArray());
                    pos += length;
                    break;
                default: throw new InvalidDataException($"wire type {wire} at byte {pos}");
            }
        }
    }

    private static ulong Varint(byte[] message, ref int pos)
    {
        ulong value = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = message[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
    }
}
