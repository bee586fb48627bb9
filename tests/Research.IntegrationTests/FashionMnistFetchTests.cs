using System.Text.Json;

namespace Research.IntegrationTests;

/// <summary>
/// <c>research data fetch fashion-mnist --source debian</c> end to end: the real Debian package, unpacked without
/// root, every file checked. This is the path a fresh Debian machine (and CI) takes when the canonical URLs do not
/// answer. Ignored, saying why, on a system without apt-get.
/// </summary>
[Category("Network")]
public class FashionMnistFetchTests
{
    [Test]
    public void FetchFromDebianPackage_WritesTheCanonicalFilesWithProvenance()
    {
        if (!File.Exists("/usr/bin/apt-get") || !File.Exists("/usr/bin/dpkg-deb"))
            Assert.Ignore("apt-get / dpkg-deb not found: the Debian package source needs a Debian-based system");
        var root = Directory.CreateTempSubdirectory("fashion-").FullName;
        try
        {
            var (exit, stdout, stderr) = Cli.Run("data", "fetch", "fashion-mnist", "--source", "debian", "--root", root);
            Assert.That(exit, Is.EqualTo(0), stderr + stdout);
            var folder = Path.Combine(root, "fashion-mnist");
            Assert.That(stdout, Does.Contain("decompressed SHA-256 verified"));
            using var provenance = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "provenance.json")));
            Assert.That(provenance.RootElement.GetProperty("source").GetString(), Does.StartWith("debian:dataset-fashion-mnist="));
            Assert.That(provenance.RootElement.GetProperty("official_split").GetBoolean(), Is.True);
            Assert.That(provenance.RootElement.GetProperty("files").EnumerateObject().Count(), Is.EqualTo(4));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }
}
