namespace Research.IntegrationTests;

/// <summary>External plugins named in an experiment file's <c>plugins</c>: the sample v-prediction plugin and bad plugin paths.</summary>
[NonParallelizable]
public class PluginCliTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("plugin-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    /// <summary>The sample plugin's DLL, built by this project's ProjectReference in the same configuration.</summary>
    private static string SamplePlugin()
    {
        var relative = Path.GetRelativePath(Path.Combine(Cli.RepoRoot, "tests", "Research.IntegrationTests"), TestContext.CurrentContext.TestDirectory);
        return Path.Combine(Cli.RepoRoot, "plugins", "VPrediction", relative, "Research.Plugins.VPrediction.dll");
    }

    private string Experiment(string plugin, string family = "v-prediction")
    {
        var file = Path.Combine(_dir, "e.json");
        File.WriteAllText(file, $$"""
        {
          "plugins": [ {{System.Text.Json.JsonSerializer.Serialize(plugin)}} ],
          "name": "vpred", "device": "cpu", "threads": 1,
          "data": { "type": "gaussian-grid", "options": { "num_per_mode": 40 } },
          "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
          "schedule": { "type": "linear", "num_timesteps": 50 },
          "parameterization": { "type": "{{family}}" },
          "training": { "steps": 20, "batch_size": 32, "log_every": 10, "checkpoint_every": 10, "lr_schedule": "constant" },
          "sampling": [ { "label": "ddim 5", "steps": "ddim5", "sampler": "ddim", "num_samples": 100 } ],
          "evaluation": { "mmd_points": 50, "plot": false }
        }
        """);
        return file;
    }

    [Test]
    public void Run_SamplePluginNamedRelatively_RegistersVPredictionAndTrains()
    {
        var relative = Path.GetRelativePath(_dir, SamplePlugin());
        var file = Experiment(relative);
        var (exit, output, err) = Cli.Run("validate", file);
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("v-prediction"));
        (exit, output, err) = Cli.Run("run", file, "--runs-dir", Path.Combine(_dir, "runs"));
        Assert.That(exit, Is.EqualTo(0), err + output);
        var run = Directory.GetDirectories(Path.Combine(_dir, "runs")).Single();
        Assert.That(File.ReadAllText(Directory.GetFiles(run, "metrics.jsonl", SearchOption.AllDirectories).Single()), Does.Contain("\"eval\""));
    }

    [Test]
    public void List_PluginOption_ShowsTheOutsideFamilyWithItsOptionTypeDefaultAndDoc()
    {
        var (exit, output, err) = Cli.Run("list", "--plugin", SamplePlugin());
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("  v-prediction  — ").And.Contain($"[plugin: {SamplePlugin()}]"));
        Assert.That(output, Does.Contain("      variance (string; default \"fixed-large\"; sampling-time)"));
        Assert.That(output, Does.Contain("Reverse variance of the shared ε-sampler"), "the option's doc comment, from the plugin's XML file");
        Assert.That(output, Does.Contain("  ddpm-eps  — "), "the built-ins are listed too");
        Assert.That(Cli.Run("list").Out, Does.Not.Contain("v-prediction"), "a plugin is listed only when named");
    }

    [Test]
    public void List_ExperimentFileNamingAPlugin_ShowsItsFamily()
    {
        var file = Experiment(Path.GetRelativePath(_dir, SamplePlugin()));
        var (exit, output, err) = Cli.Run("list", file);
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("  v-prediction  — ").And.Contain("variance (string; default \"fixed-large\""));
    }

    [Test]
    public void List_MissingPlugin_ExitsTwoNamingTheOption()
    {
        var (exit, output, err) = Cli.Run("list", "--plugin", Path.Combine(_dir, "Missing.dll"));
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("--plugin[0]").And.Contain("not found"));
        Assert.That(output, Is.Empty, "nothing listed");
    }

    [Test]
    public void Validate_MissingPluginFile_ExitsTwoNamingPlugins0()
    {
        var file = Experiment("nowhere/Missing.dll");
        var (exit, _, err) = Cli.Run("validate", file);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain($"{file}: plugins[0]: plugin").And.Contain("not found"));
    }

    [Test]
    public void Validate_DllWithoutEntryType_ExitsTwoNamingPlugins0()
    {
        var file = Experiment(Path.Combine(TestContext.CurrentContext.TestDirectory, "Research.Data.dll"), "ddpm-eps");
        var (exit, _, err) = Cli.Run("validate", file);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("plugins[0]").And.Contain("no type implements IResearchPlugin"));
    }

    [Test]
    public void Validate_NotADotNetAssembly_ExitsTwoNamingPlugins0()
    {
        var fake = Path.Combine(_dir, "Fake.dll");
        File.WriteAllText(fake, "not a PE file");
        var (exit, _, err) = Cli.Run("validate", Experiment(fake, "ddpm-eps"));
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("plugins[0]").And.Contain("not a .NET assembly"));
    }

    [Test]
    public void Validate_SamePluginTwice_ExitsTwoOnTheDuplicateKey()
    {
        var file = Experiment(SamplePlugin());
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"plugins\": [ ", $"\"plugins\": [ {System.Text.Json.JsonSerializer.Serialize(SamplePlugin())}, "));
        var (exit, _, err) = Cli.Run("validate", file);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("plugins[1]").And.Contain("duplicate parameterization key 'v-prediction'"));
    }
}
