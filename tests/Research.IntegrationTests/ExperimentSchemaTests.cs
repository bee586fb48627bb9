using System.Text.Json;
using Json.Schema;

namespace Research.IntegrationTests;

/// <summary>
/// <c>research schema</c> (issue 23): its JSON Schema accepts every shipped experiment, preset and bench file, refuses an
/// unknown key, a family option of another family and an unregistered type, describes plugins named with <c>--plugin</c>,
/// and the committed copy the shipped files name in <c>"$schema"</c> is the generated one.
/// </summary>
public sealed class ExperimentSchemaTests
{
    private static readonly JsonDocumentOptions Comments = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static string Generated { get; } = Generate();

    private static string Generate(params string[] extra)
    {
        var (exit, output, err) = Cli.Run(["schema", .. extra]);
        Assert.That(exit, Is.EqualTo(0), err);
        return output;
    }

    /// <summary>Every JSON file under experiments/, configs/ and benchmarks/suite/ but the run records studies commit.</summary>
    public static IEnumerable<string> ShippedFiles() =>
        new[] { "experiments", "configs", Path.Combine("benchmarks", "suite") }
            .SelectMany(d => Directory.GetFiles(Path.Combine(Cli.RepoRoot, d), "*.json", SearchOption.AllDirectories))
            .Where(p => !ShippedConfigTests.IsCollectedRun(p))
            .Select(p => Path.GetRelativePath(Cli.RepoRoot, p)).Order(StringComparer.Ordinal);

    [TestCaseSource(nameof(ShippedFiles))]
    public void ShippedFile_ValidatesAgainstTheGeneratedSchema(string relative)
    {
        var problems = Evaluate(Generated, File.ReadAllText(Path.Combine(Cli.RepoRoot, relative)));
        Assert.That(problems, Is.Empty);
    }

    [TestCaseSource(nameof(ShippedFiles))]
    public void ShippedFile_NamesTheCommittedSchema(string relative)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Cli.RepoRoot, relative)), Comments);
        Assert.That(doc.RootElement.TryGetProperty("$schema", out var schema), Is.True, "no \"$schema\"");
        var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.Combine(Cli.RepoRoot, relative))!, schema.GetString()!));
        Assert.That(target, Is.EqualTo(Path.Combine(Cli.RepoRoot, "schemas", "experiment.schema.json")));
    }

    [Test]
    public void CommittedSchema_IsTheGeneratedOne()
    {
        var committed = File.ReadAllText(Path.Combine(Cli.RepoRoot, "schemas", "experiment.schema.json")).Replace("\r\n", "\n");
        Assert.That(committed, Is.EqualTo(Generated), "regenerate: research schema --out schemas/experiment.schema.json");
    }

    [TestCase("""{ "training": { "stepz": 10 } }""", "training.stepz")]
    [TestCase("""{ "nmae": "x" }""", "top-level key")]
    [TestCase("""{ "parameterization": { "type": "ddgan", "options": { "guidance_scale": 1 } } }""", "an option of another family")]
    [TestCase("""{ "parameterization": { "type": "ddpm-epz" } }""", "an unregistered family")]
    [TestCase("""{ "backbone": { "type": "mlp", "roles": { "discriminator": { "hidden_dimm": 8 } } } }""", "a role's unknown option")]
    [TestCase("""{ "training": { "steps": "64" } }""", "a number written as a string")]
    [TestCase("""{ "variants": [ { "name": "a", "set": { "seed": 1, "sed": 2 } } ] }""", "a variant's unknown key")]
    [TestCase("""{ "sweep": { "grid": { "seed": [1] }, "seedz": [1] } }""", "a sweep's unknown key")]
    public void FileWithAMistake_FailsSchemaValidation(string json, string what)
    {
        Assert.That(Evaluate(Generated, json), Is.Not.Empty, what);
    }

    [Test]
    public void Plugin_NamedOnTheCommandLine_IsDescribed()
    {
        var dll = Directory.GetFiles(Path.Combine(Cli.RepoRoot, "plugins", "VPrediction", "bin"), "Research.Plugins.VPrediction.dll", SearchOption.AllDirectories)
            .OrderByDescending(File.GetLastWriteTimeUtc).First();
        var schema = Generate("--plugin", dll);
        Assert.That(Generated, Does.Not.Contain("\"v-prediction\""));
        Assert.That(schema, Does.Contain("\"v-prediction\""));
        Assert.That(Evaluate(schema, """{ "parameterization": { "type": "v-prediction", "options": { "variance": "fixed-large" } } }"""), Is.Empty);
        Assert.That(Evaluate(schema, """{ "parameterization": { "type": "v-prediction", "options": { "variannce": "fixed-large" } } }"""), Is.Not.Empty);

        var (exit, _, err) = Cli.Run("schema", "--plugin", Path.Combine(Cli.RepoRoot, "no-such.dll"));
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--plugin[0]").And.Contain("file not found"));
    }

    [Test]
    public void Out_WritesTheSchemaFile()
    {
        var dir = Directory.CreateTempSubdirectory("schema-").FullName;
        try
        {
            var file = Path.Combine(dir, "s.json");
            var (exit, output, err) = Cli.Run("schema", "--out", file);
            Assert.That(exit, Is.EqualTo(0), err);
            Assert.That(output, Is.Empty);
            Assert.That(File.ReadAllText(file), Is.EqualTo(Generated));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    // The schema's error messages with their instance locations; empty when the document is valid.
    private static List<string> Evaluate(string schemaText, string json)
    {
        var schema = JsonSchema.FromText(schemaText);
        using var doc = JsonDocument.Parse(json, Comments);
        var result = schema.Evaluate(doc.RootElement.Clone(), new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return [];
        var details = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}")).ToList();
        return details.Count > 0 ? details : ["invalid"];
    }
}
