using System.Text.Json;
using Research.Core.Configuration;
using Research.UnitTests.Configuration.Fakes;

namespace Research.UnitTests.Configuration;

/// <summary>
/// Every malformed experiment under <c>tests/data/bad-configs</c> fails with exactly the errors that
/// <c>cases.json</c> lists for it: the JSON path, the file named, and a fragment of the message.
/// </summary>
public sealed class BadConfigTests
{
    private sealed record Expected(string Path, string Source, string Contains);

    private static readonly Research.Core.Registry.ComponentRegistry Registry = FakeRegistry.Build();

    private static JsonElement Manifest()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ConfigTestFiles.BadConfigs, "cases.json")));
        return doc.RootElement.Clone();
    }

    /// <summary>The case files named in the manifest.</summary>
    public static IEnumerable<TestCaseData> Cases() =>
        Manifest().GetProperty("cases").EnumerateObject().Select(c => new TestCaseData(c.Name).SetArgDisplayNames(c.Name));

    private static List<Expected> ExpectedErrors(string file) =>
        Manifest().GetProperty("cases").GetProperty(file).EnumerateArray().Select(e => new Expected(
            e.GetProperty("path").GetString()!,
            e.TryGetProperty("source", out var s) ? s.GetString()! : file,
            e.GetProperty("contains").GetString()!)).ToList();

    [TestCaseSource(nameof(Cases))]
    public void Load_MalformedFile_ReportsExactlyTheListedErrors(string file)
    {
        var expected = ExpectedErrors(file);

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(Path.Combine(ConfigTestFiles.BadConfigs, file), [], Registry));

        Assert.That(ex!.Errors, Has.Count.EqualTo(expected.Count), ex.Message);
        foreach (var e in expected)
            Assert.That(ex.Errors.Any(err => err.Path == e.Path && Path.GetFileName(err.Source) == e.Source && err.Message.Contains(e.Contains, StringComparison.Ordinal)),
                Is.True, $"expected {e.Source}: {e.Path}: …{e.Contains}…\nactual: {ex.Message}");
    }

    [Test]
    public void Manifest_EveryFileInFolder_IsACaseOrAHelper()
    {
        var manifest = Manifest();
        var listed = manifest.GetProperty("cases").EnumerateObject().Select(c => c.Name)
            .Concat(manifest.GetProperty("helpers").EnumerateArray().Select(h => h.GetString()!))
            .Append("cases.json").Order().ToList();
        var present = Directory.GetFiles(ConfigTestFiles.BadConfigs).Select(Path.GetFileName).Order().ToList();

        Assert.That(present, Is.EqualTo(listed));
    }

    [Test]
    public void Manifest_Cases_CoverAtLeastFourteenFiles()
    {
        Assert.That(Manifest().GetProperty("cases").EnumerateObject().Count(), Is.GreaterThanOrEqualTo(14));
    }

    [Test]
    public void ConfigException_Message_ListsEveryErrorAsSourcePathMessage()
    {
        var file = Path.Combine(ConfigTestFiles.BadConfigs, "three-problems.json");

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(file, [], Registry));

        Assert.That(ex!.Message, Does.StartWith("3 configuration errors:"));
        Assert.That(ex.Message, Does.Contain($"{file}: training.stepz: unknown key; did you mean 'steps'?"));
        Assert.That(ex.Errors.Select(e => e.ToString()), Is.All.StartWith(file + ": "));
    }
}
