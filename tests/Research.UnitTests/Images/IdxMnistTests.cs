using System.IO.Compression;
using Microsoft.Extensions.DependencyInjection;
using Research.Core.Data;
using Research.Core.Registry;
using Research.Data.Images;
using Research.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Images;

public class IdxMnistTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("idx-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    /// <summary>Five 8×8 "digits": image i has pixel (i, i) = 255, the rest 0; label = i.</summary>
    private string WriteSplit(string split = "train", int n = 5)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "mnist")).FullName;
        var (images, labels) = MnistDataset.FileNames(split);
        var pixels = new byte[n * 64];
        for (int i = 0; i < n; i++) pixels[i * 64 + i * 8 + i] = 255;
        IdxFile.Write(Path.Combine(folder, images + ".gz"), [n, 8, 8], pixels);
        IdxFile.Write(Path.Combine(folder, labels + ".gz"), [n], Enumerable.Range(0, n).Select(i => (byte)i).ToArray());
        return folder;
    }

    [Test]
    public void Create_GoodIdxGz_ScaledPaddedAndLabelled()
    {
        WriteSplit();
        using var set = MnistDataset.Create("mnist", new MnistOptions { ImageSize = 12 }, _dir);
        Assert.That(set.Count, Is.EqualTo(5));
        Assert.That(set.SampleShape, Is.EqualTo(new long[] { 1, 12, 12 }));
        Assert.That(set.NumClasses, Is.EqualTo(10));
        Assert.That(set.Pixels[3, 0, 2 + 3, 2 + 3].item<byte>(), Is.EqualTo(255), "padded by 2 on each side");
        using var g = new Generator(1);
        var batch = set.NextBatch(16, g);
        using (batch.X0) using (batch.Labels)
        {
            Assert.That(batch.X0.min().item<float>(), Is.EqualTo(-1f));
            Assert.That(batch.X0.max().item<float>(), Is.EqualTo(1f));
            for (int b = 0; b < 16; b++)
            {
                long label = batch.Labels![b].item<long>();
                Assert.That(batch.X0[b, 0, 2 + label, 2 + label].item<float>(), Is.EqualTo(1f), "image matches its label");
            }
        }
    }

    [Test]
    public void NextBatch_SameGeneratorState_SameBatch()
    {
        WriteSplit();
        using var set = MnistDataset.Create("mnist", new MnistOptions { ImageSize = 0, Flip = true }, _dir);
        using var g1 = new Generator(42);
        using var g2 = new Generator(42);
        var a = set.NextBatch(8, g1);
        var b = set.NextBatch(8, g2);
        using (a.X0) using (a.Labels) using (b.X0) using (b.Labels)
        {
            Assert.That(TestTensors.AreIdentical(a.X0, b.X0) && TestTensors.AreIdentical(a.Labels!, b.Labels!), Is.True);
            Assert.That(a.X0.shape, Is.EqualTo(new long[] { 8, 1, 8, 8 }));
        }
    }

    [Test]
    public void Read_TruncatedGz_InvalidDataNamingFileAndOffset()
    {
        var folder = WriteSplit();
        var path = Path.Combine(folder, "train-images-idx3-ubyte.gz");
        byte[] raw;
        using (var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress))
        using (var ms = new MemoryStream())
        {
            gz.CopyTo(ms);
            raw = ms.ToArray();
        }
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest)) gz.Write(raw, 0, raw.Length - 10);
        var e = Assert.Throws<InvalidDataException>(() => MnistDataset.Create("mnist", new MnistOptions(), _dir).Dispose());
        Assert.That(e!.Message, Does.Contain(path).And.Contain($"byte {raw.Length - 10} of the decompressed data").And.Contain("truncated"));
    }

    [Test]
    public void Read_TruncatedHeader_InvalidDataNamingOffset()
    {
        var path = Path.Combine(_dir, "short-idx3-ubyte");
        File.WriteAllBytes(path, [0, 0, 8, 3, 0, 0]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, IdxFile.ImagesMagic));
        Assert.That(e!.Message, Does.StartWith($"{path}: byte 6:").And.Contain("truncated header"));
    }

    [Test]
    public void Read_WrongMagic_InvalidDataNamingFile()
    {
        var folder = WriteSplit();
        File.Copy(Path.Combine(folder, "train-labels-idx1-ubyte.gz"), Path.Combine(folder, "train-images-idx3-ubyte.gz"), overwrite: true);
        var e = Assert.Throws<InvalidDataException>(() => MnistDataset.Create("mnist", new MnistOptions(), _dir).Dispose());
        Assert.That(e!.Message, Does.Contain("train-images-idx3-ubyte.gz: byte 0").And.Contain("magic number 0x00000801"));
    }

    [Test]
    public void Create_MissingFiles_TellsToFetch()
    {
        var e = Assert.Throws<FileNotFoundException>(() => MnistDataset.Create("fashion-mnist", new MnistOptions { Split = "test" }, _dir).Dispose());
        Assert.That(e!.Message, Does.Contain("t10k-images-idx3-ubyte.gz").And.Contain("research data fetch fashion-mnist"));
    }

    [Test]
    public void Registry_MnistKey_LoadsFromDataRootWithLimit()
    {
        WriteSplit("test", 4);
        using var sp = new ServiceCollection().AddComponentRegistry().AddBuiltInComponents().BuildServiceProvider();
        var registry = sp.GetRequiredService<ComponentRegistry>();
        Assert.That(registry.Keys(ComponentKind.Dataset), Is.SupersetOf(new[] { "mnist", "fashion-mnist", "cifar10", "image-folder" }));
        using var set = registry.Create<IDataSource>(ComponentKind.Dataset, "mnist",
            new MnistOptions { Split = "test", Limit = 3, ImageSize = 8 }, new DatasetContext(_dir, 0));
        Assert.That(set.Count, Is.EqualTo(3));
        using var back = set.ToDataSpace(torch.tensor(new[] { -1f, 1f }));
        Assert.That(back.data<float>().ToArray(), Is.EqualTo(new[] { 0f, 1f }));
    }
}
