using Research.Data.Fetch;
using Research.Data.Images;

namespace Research.UnitTests.Images;

/// <summary>
/// The checks that decide whether a Debian package's Fashion-MNIST files are the canonical ones: presence, idx magic,
/// count and the SHA-256 of the decompressed bytes. Files laid out like the package's, with the right structure but
/// not the canonical bytes, must be refused naming the file.
/// </summary>
public class DebianDatasetPackageTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("deb-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    // Writes every file of the package with the right magic and the given counts, zero pixels and labels.
    private void WriteFiles(int trainCount, int testCount)
    {
        foreach (var f in DebianDatasetPackage.Files("fashion-mnist"))
        {
            int n = f.Name.StartsWith("train", StringComparison.Ordinal) ? trainCount : testCount;
            int[] dims = f.Magic == IdxFile.ImagesMagic ? [n, 28, 28] : [n];
            IdxFile.Write(Path.Combine(_dir, f.Name), dims, new byte[dims.Aggregate(1, (a, d) => a * d)]);
        }
    }

    [Test]
    public void Files_AreTheFourCanonicalOnesWithTheirCounts()
    {
        var files = DebianDatasetPackage.Files("fashion-mnist");
        Assert.That(files.Select(f => f.Name), Is.EquivalentTo(CanonicalSources.Files("fashion-mnist").Select(f => f.Name)));
        Assert.That(files.Sum(f => f.Magic == IdxFile.LabelsMagic ? f.Count : 0), Is.EqualTo(70_000));
        Assert.That(files.Select(f => f.DecompressedSha256), Has.All.Match("^[0-9a-f]{64}$"));
        Assert.That(DebianDatasetPackage.PackageName("mnist"), Is.Null);
    }

    [Test]
    public void Verify_RightStructureWrongBytes_RefusedNamingTheFile()
    {
        WriteFiles(60_000, 10_000);
        var e = Assert.Throws<InvalidDataException>(() => DebianDatasetPackage.Verify("fashion-mnist", _dir, TextWriter.Null))!;
        Assert.That(e.Message, Does.Contain("train-images-idx3-ubyte.gz").And.Contain("SHA-256").And.Contain("not the canonical data"));
    }

    [Test]
    public void Verify_WrongCount_RefusedNamingTheFileAndCounts()
    {
        WriteFiles(100, 10);
        var e = Assert.Throws<InvalidDataException>(() => DebianDatasetPackage.Verify("fashion-mnist", _dir, TextWriter.Null))!;
        Assert.That(e.Message, Does.Contain("train-images-idx3-ubyte.gz").And.Contain("100 items, expected 60000"));
    }

    [Test]
    public void Verify_MissingFile_RefusedNamingIt()
    {
        WriteFiles(100, 10);
        File.Delete(Path.Combine(_dir, "t10k-labels-idx1-ubyte.gz"));
        File.Delete(Path.Combine(_dir, "train-images-idx3-ubyte.gz"));
        var e = Assert.Throws<InvalidDataException>(() => DebianDatasetPackage.Verify("fashion-mnist", _dir, TextWriter.Null))!;
        Assert.That(e.Message, Does.Contain("train-images-idx3-ubyte.gz").And.Contain("missing"));
    }

    [Test]
    public void Fetch_DebianSourceForMnist_RefusedBeforeWritingAnything()
    {
        var root = Path.Combine(_dir, "root");
        var e = Assert.Throws<ArgumentException>(() => DatasetFetcher.Fetch("mnist", root, FetchSource.Debian, TimeSpan.FromSeconds(1), TextWriter.Null))!;
        Assert.That(e.Message, Does.Contain("no Debian package"));
        Assert.That(Directory.Exists(root), Is.False);
    }
}
