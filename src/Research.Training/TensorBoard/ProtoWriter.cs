using System.Buffers.Binary;
using System.Text;

namespace Research.Training.TensorBoard;

/// <summary>
/// The few protocol-buffer encodings an event file needs, written by hand: varints, 32- and 64-bit fixed fields and
/// length-delimited fields (strings, bytes, embedded messages). Field order follows the field numbers, as protoc does.
/// </summary>
/// <remarks>
/// Encoding: protobuf.dev/programming-guides/encoding. A key is (field number &lt;&lt; 3) | wire type, itself a varint;
/// wire types: 0 varint, 1 fixed64 (double), 2 length-delimited, 5 fixed32 (float). Integers are little-endian
/// base-128 varints, negative int64 as ten bytes (two's complement). Fields equal to their proto3 default are written
/// anyway when the caller asks (harmless, and readers see an explicit step 0).
/// </remarks>
public sealed class ProtoWriter
{
    private const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;
    private readonly MemoryStream _buffer = new();

    /// <summary>The message written so far.</summary>
    public byte[] ToArray() => _buffer.ToArray();

    /// <summary>An int64/int32/uint64 field as a varint.</summary>
    public ProtoWriter Int64(int field, long value)
    {
        Key(field, Varint);
        WriteVarint(unchecked((ulong)value));
        return this;
    }

    /// <summary>A double field (fixed64, little-endian IEEE 754).</summary>
    public ProtoWriter Double(int field, double value)
    {
        Key(field, Fixed64);
        Span<byte> b = stackalloc byte[8];
        BinaryPrimitives.WriteDoubleLittleEndian(b, value);
        _buffer.Write(b);
        return this;
    }

    /// <summary>A float field (fixed32, little-endian IEEE 754).</summary>
    public ProtoWriter Float(int field, float value)
    {
        Key(field, Fixed32);
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(b, value);
        _buffer.Write(b);
        return this;
    }

    /// <summary>A string field (UTF-8, length-delimited).</summary>
    public ProtoWriter String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>A bytes field, or an embedded message already encoded (length-delimited).</summary>
    public ProtoWriter Bytes(int field, ReadOnlySpan<byte> value)
    {
        Key(field, LengthDelimited);
        WriteVarint((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    /// <summary>An embedded message.</summary>
    public ProtoWriter Message(int field, ProtoWriter message) => Bytes(field, message.ToArray());

    private void Key(int field, int wireType)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(field, 1);
        WriteVarint((ulong)(uint)((field << 3) | wireType));
    }

    private void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }
}
