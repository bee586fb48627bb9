using System.Text.Json;

namespace Research.IntegrationTests;

/// <summary>
/// Every malformed experiment file under tests/data/bad-configs fails <c>research validate</c> and
/// <c>research run</c> with exit code 2, names the offending key, and writes no run folder.
/// </summary>
[NonParallelizable]
public class BadConfigCliTests
{
    public static IEnumerable<TestCaseData> Cases() =>
        Manifest(Path.Combine(Cli.RepoRoot, "tests", "data", "bad-configs"), "")
            .Concat(Manifest(Path.Combine(Cli.RepoRoot, "tests", "data", "bad-configs", "semantic"), "semantic/"));

    // The cases of one cases.json: the file and the JSON paths its errors must name.
    private static IEnumerable<TestCaseData> Manifest(string dir, string prefix)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "cases.json")));
        foreach (var c in doc.RootElement.GetProperty("cases").EnumerateObject())
        {
            var paths = c.Value.EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToArray();
            yield return new TestCaseData(Path.Combine(dir, c.Name), paths).SetArgDisplayNames(prefix + c.Name);
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void Validate_BadFile_ExitCode2AndKeyNamed(string file, string[] paths)
    {
        var (exit, _, err) = Cli.Run("validate", file);
        Assert.That(exit, Is.EqualTo(2), err);
        foreach (var p in paths)
            Assert.That(err, Does.Contain(p.Length > 0 ? $": {p}: " : "invalid JSON"), $"the error must name '{p}'");
        Assert.That(err, Does.Contain(Path.GetFileName(file)).Or.Contain("extends-cycle"));
    }

    [TestCaseSource(nameof(Cases))]
    public void Run_BadFile_ExitCode2AndNoRunFolder(string file, string[] paths)
    {
        var runs = Directory.CreateTempSubdirectory("runs-").FullName;
        try
        {
            var (exit, _, err) = Cli.Run("run", file, "--runs-dir", Path.Combine(runs, "r"));
            Assert.That(exit, Is.EqualTo(2), err);
            Assert.That(Directory.GetFileSystemEntries(runs), Is.Empty, "nothing may be written for a bad file");
        }
        finally
        {
            Directory.Delete(runs, true);
        }
    }

    [Test]
    public void Validate_MissingFile_ExitCode2()
    {
        var (exit, _, err) = Cli.Run("validate", "no/such/file.json");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("no/such/file.json"));
    }

    [Test]
    public void UnknownOption_ExitCode2()
    {
        var (exit, _, err) = Cli.Run("validate", "x.json", "--frobnicate");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--frobnicate"));
    }

    [Test]
    public void Set_BadValue_ExitCode2NamesSet()
    {
        var file = Path.Combine(Cli.RepoRoot, "experiments", "trilemma-2d", "experiment.json");
        var (exit, _, err) = Cli.Run("validate", file, "--set", "training.steps=-3");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--set: training.steps"));
    }

    [Test]
    public void Validate_DeepExtendsChain_ExitCode2NamesTheFile()
    {
        var dir = Directory.CreateTempSubdirectory("deep-extends-").FullName;
        try
        {
            for (var i = 0; i < 100; i++)
                File.WriteAllText(Path.Combine(dir, $"p{i}.json"), i < 99 ? $"{{ \"extends\": \"p{i + 1}.json\" }}" : "{ \"name\": \"deep\" }");
            var (exit, _, err) = Cli.Run("validate", Path.Combine(dir, "p0.json"));
            Assert.That(exit, Is.EqualTo(2), err);
            Assert.That(err, Does.Contain("p31.json: extends: 'extends' chain deeper than 32 files"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
