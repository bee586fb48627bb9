using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Research.Core.Configuration;
using Research.Core.Registry;
using Research.Training;

namespace Research.UnitTests.Validation;

/// <summary>
/// The cases of <c>tests/data/bad-configs/semantic</c>, loaded with the built-in families, datasets and backbones: each fails
/// validation with exactly the listed errors (issue 19.4: what a run would refuse after training; 24.6: dataset options and
/// labels; 24.7: settings that would do nothing).
/// </summary>
public sealed class SemanticConfigTests
{
    private static readonly ComponentRegistry Registry = BuiltIn();

    private static string Folder => Path.Combine(TestPaths.RepoRoot, "tests", "data", "bad-configs", "semantic");

    /// <summary>The real registry, as the CLI builds it (without plugins).</summary>
    public static ComponentRegistry BuiltIn() =>
        new ServiceCollection().AddComponentRegistry().AddBuiltInComponents().BuildServiceProvider().GetRequiredService<ComponentRegistry>();

    private static JsonElement Manifest()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Folder, "cases.json")));
        return doc.RootElement.Clone();
    }

    public static IEnumerable<TestCaseData> Cases() =>
        Manifest().GetProperty("cases").EnumerateObject().Select(c => new TestCaseData(c.Name).SetArgDisplayNames(c.Name));

    [TestCaseSource(nameof(Cases))]
    public void Load_SemanticProblem_ReportsExactlyTheListedErrors(string file)
    {
        var expected = Manifest().GetProperty("cases").GetProperty(file).EnumerateArray()
            .Select(e => (Path: e.GetProperty("path").GetString()!, Contains: e.GetProperty("contains").GetString()!)).ToList();

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(Path.Combine(Folder, file), [], Registry));

        Assert.That(ex!.Errors, Has.Count.EqualTo(expected.Count), ex.Message);
        foreach (var (path, contains) in expected)
            Assert.That(ex.Errors.Any(e => e.Path == path && Path.GetFileName(e.Source) == file && e.Message.Contains(contains, StringComparison.Ordinal)),
                Is.True, $"expected {file}: {path}: …{contains}…\nactual: {ex.Message}");
    }

    [Test]
    public void Base_Validates()
    {
        Assert.That(ExperimentLoader.Load(Path.Combine(Folder, "base.json"), [], Registry).Runs, Has.Count.EqualTo(1));
    }

    [Test]
    public void Manifest_EveryFileInFolder_IsACaseOrAHelper()
    {
        var manifest = Manifest();
        var listed = manifest.GetProperty("cases").EnumerateObject().Select(c => c.Name)
            .Concat(manifest.GetProperty("helpers").EnumerateArray().Select(h => h.GetString()!))
            .Append("cases.json").Order().ToList();

        Assert.That(Directory.GetFiles(Folder).Select(Path.GetFileName).Order().ToList(), Is.EqualTo(listed));
    }

    [TestCase("sampling=[{\"label\":\"c\",\"labels\":\"cycle\",\"guidance_scale\":0,\"num_samples\":8}]")]          // s = 0 baseline of the guided accuracy
    [TestCase("sampling=[{\"label\":\"c\",\"labels\":\"3\",\"guidance_scale\":2,\"num_samples\":8}]")]
    [TestCase("sampling=[{\"label\":\"d\",\"steps\":\"ddim5\",\"sampler\":\"ddim\",\"eta\":0.5,\"num_samples\":8}]")]
    [TestCase("sampling=[{\"label\":\"u\",\"num_samples\":8}]")]
    public void ClassifierGuided_RequestsThatDoSomething_Validate(string set)
    {
        var runs = ExperimentLoader.Load(Path.Combine(Folder, "base.json"), ["parameterization.type=classifier-guided", set], Registry).Runs;

        Assert.That(runs, Has.Count.EqualTo(1));
    }

    [Test]
    public void ClassConditionalDdpm_WithLabels_Validates()
    {
        var runs = ExperimentLoader.Load(Path.Combine(Folder, "base.json"),
            ["parameterization.options.class_conditional=true", "sampling=[{\"label\":\"c\",\"labels\":\"cycle\",\"num_samples\":8}]"], Registry).Runs;

        Assert.That(runs, Has.Count.EqualTo(1));
    }

    [Test]
    public void Ddgan_TrainedStepsAsString_Validates()
    {
        var runs = ExperimentLoader.Load(Path.Combine(Folder, "gan-respaced-ddim.json"),
            ["sampling=[{\"label\":\"4\",\"steps\":\"4\",\"num_samples\":8}]"], Registry).Runs;

        Assert.That(runs, Has.Count.EqualTo(1));
    }

    [Test]
    public void Variant_OnlyOneVariantBad_ErrorNamesTheVariant()
    {
        var dir = Configuration.ConfigTestFiles.Scratch(("base.json", File.ReadAllText(Path.Combine(Folder, "base.json"))), ("e.json", """
            { "extends": ["base.json"], "sampling": [ { "label": "s", "num_samples": 8 } ],
              "variants": [ { "name": "plain", "set": {} },
                            { "name": "cc", "set": { "parameterization": { "options": { "class_conditional": true } } } } ] }
            """));

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(Path.Combine(dir, "e.json"), [], Registry));

        Assert.That(ex!.Message, Does.Contain("sampling[0].labels: a class-conditional model needs labels").And.Contain("(in variant 'cc')"));
    }
}
