using System.Diagnostics;
using System.Text;
using Research.Core.Configuration;
using Research.UnitTests.Configuration.Fakes;

namespace Research.UnitTests.Configuration;

/// <summary>
/// Loading scales with the input (large arrays, large unknown subtrees), deep <c>extends</c> chains and deep nesting
/// are errors naming the file, and JSON types are kept (a string is not a number), while <c>--set</c> text still is.
/// </summary>
public sealed class ConfigLimitsTests
{
    private static readonly Research.Core.Registry.ComponentRegistry Registry = FakeRegistry.Build();

    private static string Write(string json) => Path.Combine(ConfigTestFiles.Scratch(("exp.json", json)), "exp.json");

    [Test]
    public void Load_HundredThousandElementArray_ResolvesWithoutQuadraticBlowUp()
    {
        var widths = string.Join(",", Enumerable.Range(0, 100_000).Select(i => i % 7 + 1));
        var file = Write($$"""{ "name": "big", "backbone": { "type": "mlp", "options": { "widths": [{{widths}}] } } }""");

        var watch = Stopwatch.StartNew();
        var run = ExperimentLoader.Load(file, [], Registry).Runs.Single();
        watch.Stop();

        Assert.That(((FakeMlpOptions)run.Options.Backbone.Options!).Widths, Has.Count.EqualTo(100_000));
        Assert.That(run.ResolvedJson, Does.Contain("\"widths\": ["));
        // A guard, not a speed claim (speed is for benchmarks): the linear loader takes about 0.5 s alone here and a few
        // seconds on a loaded machine; one that re-walked the tree per leaf (10^10 steps) would take many minutes.
        Assert.That(watch.Elapsed.TotalSeconds, Is.LessThan(60), "loading must not be quadratic in the number of leaves");
    }

    [Test]
    public void Load_FiftyMegabytesUnderAnUnknownKey_IsRejectedQuickly()
    {
        var json = new StringBuilder("{ \"name\": \"huge\", \"junk\": [");
        var item = "\"" + new string('x', 90) + "\"";
        for (var i = 0; json.Length < 50_000_000; i++) json.Append(i == 0 ? "" : ",").Append(item);
        var file = Write(json.Append("] }").ToString());

        var watch = Stopwatch.StartNew();
        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(file, [], Registry));
        watch.Stop();
        Directory.Delete(Path.GetDirectoryName(file)!, true);

        Assert.That(ex!.Errors.Single(), Is.EqualTo(new ConfigError(file, "junk", ex.Errors[0].Message)));
        Assert.That(ex.Errors[0].Message, Does.StartWith("unknown key"));
        Assert.That(watch.Elapsed.TotalSeconds, Is.LessThan(60), "a guard against reading the 50 MB value into a tree, not a speed claim");
    }

    [Test]
    public void Load_ExtendsChainDeeperThanTheLimit_IsAClearErrorNotAStackOverflow()
    {
        // Without a limit, a chain of 30,000 files overflowed the stack (exit 134); 200 is enough to show the limit.
        const int files = 200;
        var dir = ConfigTestFiles.Scratch();
        Directory.CreateDirectory(dir);
        for (var i = 0; i < files; i++)
            File.WriteAllText(Path.Combine(dir, $"p{i}.json"), i + 1 < files ? $"{{ \"extends\": \"p{i + 1}.json\" }}" : "{ \"name\": \"deep\" }");

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(Path.Combine(dir, "p0.json"), [], Registry));
        Directory.Delete(dir, true);

        var error = ex!.Errors.Single();
        Assert.That(error.Source, Is.EqualTo(Path.Combine(dir, "p31.json")));
        Assert.That(error.Path, Is.EqualTo("extends"));
        Assert.That(error.Message, Does.Contain("'extends' chain deeper than 32 files (from p0.json)"));
    }

    [Test]
    public void Load_NestingDeeperThanTheLimit_IsInvalidJsonNamingTheFile()
    {
        const int depth = 65; // one more than the limit
        var file = Write("{ \"name\": \"nested\", \"junk\": " + string.Concat(Enumerable.Repeat("[", depth)) + string.Concat(Enumerable.Repeat("]", depth)) + " }");

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(file, [], Registry));

        Assert.That(ex!.Errors.Single().Source, Is.EqualTo(file));
        Assert.That(ex.Errors.Single().Message, Does.StartWith("invalid JSON at line 1").And.Contain("depth"));
    }

    [Test]
    public void Load_StringsWhereNumberAndBooleanBelong_AreErrorsNamingFileAndPath()
    {
        var file = Write("""{ "name": "s", "seed": "3", "deterministic": "false", "training": { "optimizer": { "lr": "0.001" } } }""");

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(file, [], Registry));

        Assert.That(ex!.Errors.Select(e => (e.Source, e.Path)), Is.EquivalentTo(new[]
            { (file, "seed"), (file, "deterministic"), (file, "training.optimizer.lr") }));
        Assert.That(ex.Errors.Single(e => e.Path == "training.optimizer.lr").Message,
            Is.EqualTo("expected a number, got \"0.001\" (a JSON string: write 0.001 without quotes)"));
    }

    [Test]
    public void Load_SetOverrideText_BindsAsNumberBooleanOrString()
    {
        var file = Write("""{ "name": "s" }""");

        var options = ExperimentLoader.Load(file, ["seed=64", "deterministic=false", "description=64", "name=\"q\"", "training.optimizer.lr=0.5"], Registry)
            .Runs.Single().Options;

        Assert.That(options.Seed, Is.EqualTo(64));
        Assert.That(options.Deterministic, Is.False);
        Assert.That(options.Description, Is.EqualTo("64"));
        Assert.That(options.Name, Is.EqualTo("q"));
        Assert.That(options.Training.Optimizer.Lr, Is.EqualTo(0.5));
    }

    [Test]
    public void Load_SetOverrideIndexBeyondTheEnd_ErrorNamesSet()
    {
        var ex = Assert.Throws<ConfigException>(() =>
            ExperimentLoader.Load(ConfigTestFiles.Good("layered.json"), ["sampling[3].steps=4"], Registry));

        Assert.That(ex!.Errors.Single(), Is.EqualTo(new ConfigError("--set", "sampling[3].steps",
            "array index 3 leaves a gap: the array has 2 element(s)")));
    }

    [Test]
    public void Load_SchemaKey_IsIgnoredWhenAString()
    {
        var good = Write("""{ "$schema": "../../schema/experiment.schema.json", "name": "s", "seed": 2 }""");
        var bad = Write("""{ "$schema": 5, "name": "s" }""");

        Assert.That(ExperimentLoader.Load(good, [], Registry).Runs.Single().Options.Seed, Is.EqualTo(2));
        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(bad, [], Registry));
        Assert.That(ex!.Errors.Single(), Is.EqualTo(new ConfigError(bad, "$schema", "expected a string (the JSON schema's address), got 5")));
    }

    [Test]
    public void Load_DuplicateKey_IsAnErrorNamingTheFile()
    {
        var file = Write("{ \"name\": \"s\",\n  \"sampling\": [ {}, { \"steps\": \"4\",\n  \"steps\": \"2\" } ] }");

        var ex = Assert.Throws<ConfigException>(() => ExperimentLoader.Load(file, [], Registry));

        Assert.That(ex!.Errors.Single(), Is.EqualTo(new ConfigError(file, "sampling[1].steps", "duplicate key (line 3; each key may appear once in an object)")));
    }
}
