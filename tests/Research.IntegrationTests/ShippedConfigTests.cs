namespace Research.IntegrationTests;

/// <summary>
/// Every experiment under experiments/ and every file of the bench suite (benchmarks/suite) validates, every preset under
/// configs/ validates when extended, and every preset inside a study folder is extended by that folder's experiment.
/// </summary>
public class ShippedConfigTests
{
    public static IEnumerable<string> Experiments() =>
        Directory.GetFiles(Path.Combine(Cli.RepoRoot, "experiments"), "experiment.json", SearchOption.AllDirectories)
            .Select(p => Path.GetRelativePath(Cli.RepoRoot, p));

    /// <summary>
    /// The other JSON files of a study folder: presets its variants extend (e.g. experiments/stacked-mnist/gan.json), not
    /// runnable alone. They are validated through the experiment that extends them.
    /// </summary>
    public static IEnumerable<string> StudyPresets() =>
        Directory.GetFiles(Path.Combine(Cli.RepoRoot, "experiments"), "*.json", SearchOption.AllDirectories)
            .Where(p => Path.GetFileName(p) != "experiment.json")
            .Select(p => Path.GetRelativePath(Cli.RepoRoot, p));

    [TestCaseSource(nameof(StudyPresets))]
    public void StudyPreset_IsExtendedByItsFoldersExperiment(string relative)
    {
        var experiment = Path.Combine(Cli.RepoRoot, Path.GetDirectoryName(relative)!, "experiment.json");
        Assert.That(File.Exists(experiment), Is.True, $"{relative}: no experiment.json beside it extends it");
        Assert.That(File.ReadAllText(experiment), Does.Contain($"\"{Path.GetFileName(relative)}\""),
            $"{relative}: not named in the extends of {Path.GetRelativePath(Cli.RepoRoot, experiment)}, so nothing validates it");
    }

    public static IEnumerable<string> BenchSuite() =>
        Directory.GetFiles(Path.Combine(Cli.RepoRoot, "benchmarks", "suite"), "*.json").Select(p => Path.GetRelativePath(Cli.RepoRoot, p));

    [TestCaseSource(nameof(BenchSuite))]
    public void BenchSuiteFile_Validates(string relative)
    {
        var (exit, output, err) = Cli.Run("validate", Path.Combine(Cli.RepoRoot, relative));
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.StartWith("OK: "));
    }

    public static IEnumerable<string> Presets() =>
        Directory.GetFiles(Path.Combine(Cli.RepoRoot, "configs"), "*.json").Select(p => Path.GetRelativePath(Cli.RepoRoot, p));

    [TestCaseSource(nameof(Experiments))]
    public void Experiment_Validates(string relative)
    {
        // mnist-guided guides a finished DDPM run named on the command line (its README); without it validation refuses it.
        string[] required = relative.Replace('\\', '/') == "experiments/mnist-guided/experiment.json"
            ? ["--set", "training.init.denoiser.path=runs/x/mnist-ddpm/checkpoints/latest.safetensors"]
            : [];
        var (exit, output, err) = Cli.Run(["validate", Path.Combine(Cli.RepoRoot, relative), .. required]);
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.StartWith("OK: "));
    }

    [TestCaseSource(nameof(Presets))]
    public void Preset_ValidatesWhenExtended(string relative)
    {
        var dir = Directory.CreateTempSubdirectory("preset-").FullName;
        try
        {
            var file = Path.Combine(dir, "e.json");
            var preset = Path.Combine(Cli.RepoRoot, relative).Replace("\\", "/");
            var basePreset = Path.Combine(Cli.RepoRoot, "configs", "base-2d.json").Replace("\\", "/");
            File.WriteAllText(file, $$"""{ "extends": ["{{basePreset}}", "{{preset}}"], "name": "preset-check" }""");
            var (exit, _, err) = Cli.Run("validate", file);
            Assert.That(exit, Is.EqualTo(0), err);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
