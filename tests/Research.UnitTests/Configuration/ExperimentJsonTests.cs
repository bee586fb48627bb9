using Research.Core.Configuration;
using Research.UnitTests.Configuration.Fakes;

namespace Research.UnitTests.Configuration;

/// <summary>The resolved configuration (<see cref="ResolvedRun.ResolvedJson"/>, <see cref="ExperimentJson"/>) and its round trip.</summary>
public sealed class ExperimentJsonTests
{
    private static readonly Research.Core.Registry.ComponentRegistry Registry = FakeRegistry.Build();

    /// <summary>Every run of every good file.</summary>
    public static IEnumerable<TestCaseData> Runs() =>
        new[] { "layered.json", "variants.json" }.SelectMany(file =>
            ExperimentLoader.Load(ConfigTestFiles.Good(file), [], Registry).Runs
                .Select(r => new TestCaseData(file, r.Name).SetArgDisplayNames(file, r.Name)));

    private static ResolvedRun Run(string file, string name) =>
        ExperimentLoader.Load(ConfigTestFiles.Good(file), [], Registry).Runs.Single(r => r.Name == name);

    [TestCaseSource(nameof(Runs))]
    public void LoadResolved_ResolvedJson_SerializesToIdenticalJson(string file, string name)
    {
        var json = Run(file, name).ResolvedJson;

        var again = ExperimentJson.Serialize(ExperimentLoader.LoadResolved(json, Registry));

        Assert.That(again, Is.EqualTo(json));
    }

    [TestCaseSource(nameof(Runs))]
    public void Load_ResolvedJsonWrittenToFile_ResolvesToIdenticalJson(string file, string name)
    {
        var json = Run(file, name).ResolvedJson;
        var dir = ConfigTestFiles.Scratch(("resolved.json", json));

        var reloaded = ExperimentLoader.Load(Path.Combine(dir, "resolved.json"), [], Registry);

        Assert.That(reloaded.Runs.Single().ResolvedJson, Is.EqualTo(json));
        Assert.That(reloaded.Runs.Single().Name, Is.EqualTo(name));
    }

    [Test]
    public void ResolvedJson_Keys_AreSnakeCaseWithDefaultsFilled()
    {
        var json = Run("variants.json", "study-gan").ResolvedJson;

        Assert.That(json, Does.Contain("\"batch_size\": 32"));
        Assert.That(json, Does.Contain("\"r1_gamma\": 0.02"), "a default of the component's own options");
        Assert.That(json, Does.Contain("\"lazy_reg\": 5"), "ConfigurationKeyName overrides snake_case");
        Assert.That(json, Does.Contain("\"loss\": \"hinge\""));
        Assert.That(json, Does.Contain("\"extends\": []"));
        Assert.That(json, Does.Contain("\"variants\": []"));
        Assert.That(json, Does.Contain("\"name\": \"study-gan\""));
        Assert.That(json, Does.Not.Contain("display_label"), "computed properties are not configuration");
        Assert.That(json, Does.Not.Contain("LazyRegularization").And.Not.Contain("lazy_regularization"));
    }

    [Test]
    public void LoadResolved_WithVariants_Throws()
    {
        const string json = """{ "name": "r", "variants": [ { "name": "v", "set": { "seed": 1 } } ] }""";

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.LoadResolved(json, Registry));

        Assert.That(ex!.Errors.Select(e => e.Path), Does.Contain("variants"));
    }

    [Test]
    public void LoadResolved_InvalidJson_NamesSourceAndLine()
    {
        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.LoadResolved("{\n  \"name\": \"r\",\n  \"seed\": ]\n}", Registry, "ckpt"));

        Assert.That(ex!.Errors.Single().ToString(), Does.StartWith("ckpt: invalid JSON at line 3, byte offset 10"));
    }
}
