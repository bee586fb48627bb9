using System.Buffers.Binary;
using Research.Evaluation.Reports;

namespace Research.Training.TensorBoard;

/// <summary>
/// Writes one TensorBoard event file, <c>events.out.tfevents.&lt;unix-time&gt;.&lt;host&gt;</c>: TFRecord records, each a
/// serialized <c>tensorflow.Event</c>. The first record carries <c>file_version = "brain.Event:2"</c>; later ones a
/// <c>Summary</c> of scalars or of one PNG image. Every record is flushed when written, so TensorBoard shows a running
/// job and a killed one loses nothing already logged.
/// </summary>
/// <remarks>
/// <para>TFRecord framing (TensorFlow <c>tsl/lib/io/record_writer.cc</c>): uint64 length, uint32 masked CRC-32C of the
/// 8 length bytes, the data, uint32 masked CRC-32C of the data; all little-endian (<see cref="Crc32C"/>).</para>
/// <para>Messages (<c>tensorflow/core/util/event.proto</c>, <c>framework/summary.proto</c>): Event { double wall_time = 1;
/// int64 step = 2; string file_version = 3; Summary summary = 5 }; Summary { repeated Value value = 1 };
/// Value { string tag = 1; float simple_value = 2; Image image = 4 }; Image { int32 height = 1; int32 width = 2;
/// int32 colorspace = 3; bytes encoded_image_string = 4 }. Encoded by <see cref="ProtoWriter"/>; no protobuf package.</para>
/// </remarks>
public sealed class EventFileWriter : IDisposable
{
    /// <summary>The version string of the first event.</summary>
    public const string FileVersion = "brain.Event:2";

    private readonly FileStream _stream;

    private EventFileWriter(string path)
    {
        _stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        Path = path;
        try
        {
            Write(new ProtoWriter().Double(1, WallTime()).String(3, FileVersion));
        }
        catch
        {
            // Nothing usable was written (e.g. a full disk): close and remove the empty file rather than leak the handle.
            try { _stream.Dispose(); } catch (IOException) { }   // its final flush fails the same way
            try { File.Delete(path); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>
    /// A new event file in <paramref name="folder"/> (created if needed), named as TensorFlow's writers name theirs;
    /// a suffix <c>.2</c>, <c>.3</c>, … keeps two writers started in the same second apart.
    /// </summary>
    public static EventFileWriter Create(string folder)
    {
        Directory.CreateDirectory(folder);
        var host = new string(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
        var stem = System.IO.Path.Combine(folder, $"events.out.tfevents.{DateTimeOffset.UtcNow.ToUnixTimeSeconds():D10}.{host}");
        for (int i = 1; ; i++)
        {
            var path = i == 1 ? stem : $"{stem}.{i}";
            if (File.Exists(path)) continue;
            try
            {
                return new EventFileWriter(path);
            }
            catch (IOException) when (File.Exists(path) && i < 100)
            {
                // Another process (two evaluations of one run at once) created this name between the check and the open.
            }
        }
    }

    /// <summary>One event holding a scalar summary value per entry of <paramref name="values"/> (tag → value) at <paramref name="step"/>.</summary>
    public void WriteScalars(long step, IEnumerable<KeyValuePair<string, float>> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var summary = new ProtoWriter();
        int count = 0;
        foreach (var (tag, value) in values)
        {
            summary.Message(1, new ProtoWriter().String(1, tag).Float(2, value));
            count++;
        }
        if (count > 0) Write(Event(step, summary));
    }

    /// <summary>One event holding an image summary value (<paramref name="image"/>, PNG) tagged <paramref name="tag"/> at <paramref name="step"/>.</summary>
    public void WriteImage(string tag, long step, EncodedImage image)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        ArgumentNullException.ThrowIfNull(image);
        var picture = new ProtoWriter().Int64(1, image.Height).Int64(2, image.Width).Int64(3, image.Channels).Bytes(4, image.Png);
        Write(Event(step, new ProtoWriter().Message(1, new ProtoWriter().String(1, tag).Message(4, picture))));
    }

    /// <summary>One TFRecord: length, masked CRC of the length, data, masked CRC of the data.</summary>
    public static byte[] Frame(ReadOnlySpan<byte> data)
    {
        var record = new byte[8 + 4 + data.Length + 4];
        BinaryPrimitives.WriteUInt64LittleEndian(record, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), Crc32C.Masked(record.AsSpan(0, 8)));
        data.CopyTo(record.AsSpan(12));
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(12 + data.Length), Crc32C.Masked(data));
        return record;
    }

    private static ProtoWriter Event(long step, ProtoWriter summary) =>
        new ProtoWriter().Double(1, WallTime()).Int64(2, step).Message(5, summary);

    private static double WallTime() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;

    private void Write(ProtoWriter message)
    {
        _stream.Write(Frame(message.ToArray()));
        _stream.Flush();
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
