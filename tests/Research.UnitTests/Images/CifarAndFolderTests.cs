using Research.Data.Images;
using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Images;

public class CifarAndFolderTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("img-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    /// <summary>Record i: label i, red plane all 255, green plane 0, blue plane i.</summary>
    private string WriteTestBatch(int records)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "cifar10", "cifar-10-batches-bin")).FullName;
        var bytes = new byte[records * Cifar10Dataset.RecordBytes];
        for (int i = 0; i < records; i++)
        {
            int o = i * Cifar10Dataset.RecordBytes;
            bytes[o] = (byte)i;
            Array.Fill(bytes, (byte)255, o + 1, 1024);
            Array.Fill(bytes, (byte)i, o + 1 + 2048, 1024);
        }
        var path = Path.Combine(folder, "test_batch.bin");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Test]
    public void Cifar_TinyTestBatch_PlanesAndLabelsDecoded()
    {
        WriteTestBatch(3);
        using var set = Cifar10Dataset.Create(new Cifar10Options { Split = "test" }, _dir);
        Assert.That(set.Count, Is.EqualTo(3));
        Assert.That(set.SampleShape, Is.EqualTo(new long[] { 3, 32, 32 }));
        Assert.That(set.Labels!.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 1, 2 }));
        Assert.That(set.Pixels[2, 0, 5, 7].item<byte>(), Is.EqualTo(255), "red plane");
        Assert.That(set.Pixels[2, 1, 5, 7].item<byte>(), Is.EqualTo(0), "green plane");
        Assert.That(set.Pixels[2, 2, 5, 7].item<byte>(), Is.EqualTo(2), "blue plane");
        using var g = new Generator(3);
        var batch = set.NextBatch(4, g);
        using (batch.X0) using (batch.Labels)
            Assert.That(batch.X0[0, 0].mean().item<float>(), Is.EqualTo(1f));
    }

    [Test]
    public void Cifar_TruncatedBatch_InvalidDataNamingFileAndRecordOffset()
    {
        var path = WriteTestBatch(2);
        using (var f = File.OpenWrite(path)) f.SetLength(2 * Cifar10Dataset.RecordBytes - 100);
        var e = Assert.Throws<InvalidDataException>(() => Cifar10Dataset.Create(new Cifar10Options { Split = "test" }, _dir).Dispose());
        Assert.That(e!.Message, Does.StartWith($"{path}: byte {Cifar10Dataset.RecordBytes}: truncated record"));
    }

    [Test]
    public void Cifar_MissingTrainBatches_TellsToFetch()
    {
        WriteTestBatch(1);
        var e = Assert.Throws<FileNotFoundException>(() => Cifar10Dataset.Create(new Cifar10Options(), _dir).Dispose());
        Assert.That(e!.Message, Does.Contain("data_batch_1.bin").And.Contain("research data fetch cifar10"));
    }

    private static void WritePng(string path, int width, int height, SKColor color)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        bitmap.SetPixel(0, 0, SKColors.White);                        // top-left marker: shows flips and crops
        using var data = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    [Test]
    public void Folder_TwoPngsInSubfolders_CroppedResizedAndLabelled()
    {
        var root = Path.Combine(_dir, "faces");
        WritePng(Path.Combine(root, "b", "1.png"), 6, 10, new SKColor(0, 0, 255));
        WritePng(Path.Combine(root, "a", "1.png"), 8, 8, new SKColor(255, 0, 0));
        using var set = ImageFolderDataset.Create(new ImageFolderOptions { Root = root, ImageSize = 8, LabelsFromSubfolders = true }, _dir);
        Assert.That(set.Count, Is.EqualTo(2));
        Assert.That(set.SampleShape, Is.EqualTo(new long[] { 3, 8, 8 }));
        Assert.That(set.NumClasses, Is.EqualTo(2));
        Assert.That(set.Labels!.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 1 }), "sorted by path: a/ then b/");
        Assert.That(set.Pixels[0, 0, 0, 0].item<byte>(), Is.EqualTo(255), "marker kept (no resize needed)");
        Assert.That(set.Pixels[0, 0, 4, 4].item<byte>(), Is.EqualTo(255));
        Assert.That(set.Pixels[0, 2, 4, 4].item<byte>(), Is.EqualTo(0));
        Assert.That(set.Pixels[1, 2, 4, 4].item<byte>(), Is.EqualTo(255), "blue image, centre-cropped 6×6 then resized");
        Assert.That(set.Pixels[1, 0, 4, 4].item<byte>(), Is.EqualTo(0));
    }

    [Test]
    public void Folder_GreyWithFlip_OneChannelAndSomeDrawsFlipped()
    {
        var root = Path.Combine(_dir, "grey");
        WritePng(Path.Combine(root, "x.png"), 4, 4, new SKColor(0, 0, 0));
        using var set = ImageFolderDataset.Create(new ImageFolderOptions { Root = root, ImageSize = 4, Channels = 1, Flip = true }, _dir);
        Assert.That(set.SampleShape, Is.EqualTo(new long[] { 1, 4, 4 }));
        Assert.That(set.NumClasses, Is.EqualTo(0));
        using var g = new Generator(11);
        var batch = set.NextBatch(16, g);
        using (batch.X0)
        {
            Assert.That(batch.Labels, Is.Null);
            using var left = batch.X0.select(3, 0).select(2, 0);              // [B, 1] top-left
            using var right = batch.X0.select(3, 3).select(2, 0);             // [B, 1] top-right
            long flipped = right.eq(1f).sum().item<long>();
            Assert.That(flipped, Is.GreaterThan(0).And.LessThan(16));
            Assert.That(left.eq(1f).sum().item<long>() + flipped, Is.EqualTo(16));
        }
    }

    [Test]
    public void Folder_NotAnImage_InvalidDataNamingFile()
    {
        var root = Directory.CreateDirectory(Path.Combine(_dir, "bad")).FullName;
        File.WriteAllText(Path.Combine(root, "x.png"), "not a png");
        var e = Assert.Throws<InvalidDataException>(() => ImageFolderDataset.Create(new ImageFolderOptions { Root = root, ImageSize = 4 }, _dir).Dispose());
        Assert.That(e!.Message, Does.Contain("x.png"));
    }
}
