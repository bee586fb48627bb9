using System.Buffers.Binary;
using System.Text;
using Research.Core.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Core;

/// <summary>Reading by offsets: files past 2 GiB, without holding the file in memory; the writer's two checksum paths.</summary>
[NonParallelizable]
public class SafeTensorsFileTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("stf-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    // A sparse file of 2 GiB + 1 KiB: tensors head (F32 [4]), gap (U8, 2^31 + 992 bytes, never written) and tail (F32 [4]),
    // whose data starts past byte 2^31. Opening it and reading head and tail touches a few bytes and allocates no more than
    // a few megabytes.
    [Test]
    public void Read_TensorPast2GiB_OfASparseFile_ReadsItsBytesWithoutLoadingTheFile()
    {
        long gap = (1L << 31) + 992;
        var header = Encoding.UTF8.GetBytes(
            "{\"head\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}," +
            $"\"gap\":{{\"dtype\":\"U8\",\"shape\":[{gap}],\"data_offsets\":[16,{16 + gap}]}}," +
            $"\"tail\":{{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[{16 + gap},{32 + gap}]}}}}");
        long dataStart = 8 + header.Length;
        float[] head = [1, 2, 3, 4], tail = [5, -6.5f, float.NaN, 8];
        var path = Path.Combine(_dir, "sparse.safetensors");
        using (var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
            var prefix = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            fs.Write(prefix);
            fs.Write(header);
            fs.Write(FloatBytes(head));
            try
            {
                fs.SetLength(dataStart + 32 + gap);
            }
            catch (IOException e)
            {
                Assert.Ignore($"the file system of {_dir} refuses a sparse file of {dataStart + 32 + gap} bytes: {e.Message}");
            }
            fs.Position = dataStart + 16 + gap;
            fs.Write(FloatBytes(tail));
        }
        Assert.That(new FileInfo(path).Length, Is.GreaterThan(1L << 31));

        long allocated = GC.GetTotalAllocatedBytes(precise: true);
        using var file = SafeTensorsFile.Open(path);
        var entry = file.Layout.Find("tail")!;
        using var t = file.Read(entry);
        using var h = file.Read("head");
        var (index, what) = file.FirstNonFinite(entry);
        allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;

        Assert.That(file.Layout.FileOffset(entry), Is.GreaterThan((long)int.MaxValue));
        Assert.That(t.data<float>().ToArray(), Is.EqualTo(tail));
        Assert.That(h.data<float>().ToArray(), Is.EqualTo(head));
        Assert.That((index, what), Is.EqualTo((2L, "NaN")));
        Assert.That(allocated, Is.LessThan(16L << 20), "bytes allocated while opening and reading: the file is not loaded whole");
    }

    // The checksum is patched in after the data on a seekable stream, computed in a first pass otherwise: the same file.
    [Test]
    public void Write_WithChecksum_SameBytesOnSeekableAndForwardOnlyStreams_AndReadBack()
    {
        using var a = randn(3, 5);
        using var b = arange(7, dtype: int64);
        var tensors = new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b };
        var meta = new Dictionary<string, string> { ["k"] = "v" };
        using var seekable = new MemoryStream();
        SafeTensors.Write(seekable, tensors, meta, checksum: true);
        using var inner = new MemoryStream();
        using (var forward = new ForwardOnly(inner)) SafeTensors.Write(forward, tensors, meta, checksum: true);
        Assert.That(inner.ToArray(), Is.EqualTo(seekable.ToArray()));

        using var file = SafeTensorsFile.FromBytes(seekable.ToArray(), "x");
        Assert.That(file.Layout.Checksum, Is.EqualTo(SafeTensorsChecksum.HeaderAndData));
        using var readA = file.Read("a");
        using var readB = file.Read("b");
        Assert.That(TestTensors.AreIdentical(readA, a) && TestTensors.AreIdentical(readB, b), Is.True);
    }

    private static byte[] FloatBytes(float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    private sealed class ForwardOnly(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}
