using Research.Core.Configuration;

namespace Research.UnitTests.Validation;

/// <summary>
/// <c>evaluation.mode_count</c> is refused before anything runs when it cannot work: switched on without the MNIST
/// classifier's file, a classifier named while it is off, or on data that are not StackedMNIST-like (3 channels, 1000 classes).
/// </summary>
public sealed class ModeCountConfigTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("mode-count-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private ConfigException LoadFails(string data, string modeCount)
    {
        var file = Path.Combine(_dir, "e.json");
        File.WriteAllText(file, $$"""
        {
          "name": "modes",
          "data": {{data}},
          "backbone": { "type": "unet", "options": { "image_size": 8, "model_channels": 16, "channel_mult": [1, 2], "attention_resolutions": [], "num_groups": 8 } },
          "schedule": { "type": "linear", "num_timesteps": 50 },
          "parameterization": { "type": "ddpm-eps" },
          "evaluation": { "mode_count": {{modeCount}} },
          "sampling": [ { "label": "s", "steps": "", "num_samples": 8 } ]
        }
        """);
        return Assert.Throws<ConfigException>(() => ExperimentLoader.Load(file, [], SemanticConfigTests.BuiltIn()))!;
    }

    private const string Stacked = """{ "type": "stacked-mnist", "options": { "image_size": 8 } }""";

    [Test]
    public void Enabled_WithoutClassifier_NamesTheClassifierKey()
    {
        var e = LoadFails(Stacked, """{ "enabled": true }""");
        Assert.That(e.Errors.Select(x => x.Path), Is.EqualTo(new[] { "evaluation.mode_count.classifier" }), e.Message);
        Assert.That(e.Errors[0].Message, Does.Contain("research train-features --data mnist"));
    }

    [Test]
    public void ClassifierWhileDisabled_NamesTheEnabledKey()
    {
        var e = LoadFails(Stacked, """{ "classifier": "c.safetensors" }""");
        Assert.That(e.Errors.Select(x => x.Path), Is.EqualTo(new[] { "evaluation.mode_count.enabled" }), e.Message);
    }

    [Test]
    public void Enabled_OnSingleChannelMnist_NamesTheEnabledKeyAndTheShape()
    {
        var e = LoadFails("""{ "type": "mnist", "options": { "image_size": 8 } }""", """{ "enabled": true, "classifier": "c.safetensors" }""");
        Assert.That(e.Errors.Select(x => x.Path), Is.EqualTo(new[] { "evaluation.mode_count.enabled" }), e.Message);
        Assert.That(e.Errors[0].Message, Does.Contain("[1, 8, 8]").And.Contain("stacked-mnist"));
    }
}
