namespace Research.IntegrationTests;

/// <summary>
/// Every experiment under experiments/ and every file of the bench suite (benchmarks/suite) validates, every preset under
/// configs/ validates when extended (a study folder's own presets are validated through its experiment.json).
/// </summary>
public class ShippedConfigTests
{
    /// <summary>
    /// Every JSON file under experiments/ except a study's presets: the files its experiment.json names in an
    /// <c>extends</c> (e.g. experiments/stacked-mnist/gan.json), which are not runnable alone and are validated through
    /// that experiment's variants.
    /// </summary>
    public static IEnumerable<string> Experiments() =>
        Directory.GetFiles(Path.Combine(Cli.RepoRoot, "experiments"), "*.json", SearchOption.AllDirectories)
            .Where(p => !IsStudyPreset(p) && !IsCollectedRun(p))
            .Select(p => Path.GetRelativePath(Cli.RepoRoot, p));

    /// <summary>
    /// Whether <paramref name="path"/> is a run record a study committed (<c>experiments/&lt;study&gt;/runs/…</c>, written by
    /// <c>research collect</c>: resolved.json, run.json), not an experiment file.
    /// </summary>
    internal static bool IsCollectedRun(string path) =>
        Path.GetRelativePath(Path.Combine(Cli.RepoRoot, "experiments"), Path.GetFullPath(path)).Replace('\\', '/').Split('/') is { Length: > 2 } parts
        && parts[1] == "runs";

    /// <summary>Whether <paramref name="path"/> is a preset of its study folder (named in an <c>extends</c> of its experiment.json).</summary>
    internal static bool IsStudyPreset(string path)
    {
        var experiment = Path.Combine(Path.GetDirectoryName(path)!, "experiment.json");
        return Path.GetFileName(path) != "experiment.json" && File.Exists(experiment)
            && File.ReadAllText(experiment).Contains($"\"{Path.GetFileName(path)}\"", StringComparison.Ordinal);
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
        // The guided experiments guide a finished DDPM run named on the command line (their READMEs); without it validation
        // refuses them, and validate checks that the named file exists (its contents are read by 'research run').
        var dir = Directory.CreateTempSubdirectory("validate-init-").FullName;
        try
        {
            var checkpoint = Path.Combine(dir, "latest.safetensors");
            File.WriteAllBytes(checkpoint, []);
            string[] required = relative.Replace('\\', '/') is "experiments/mnist-guided/experiment.json" or "experiments/fashion-trilemma/guided.json"
                ? ["--set", $"training.init.denoiser.path={checkpoint}"]
                : [];
            var (exit, output, err) = Cli.Run(["validate", Path.Combine(Cli.RepoRoot, relative), .. required]);
            Assert.That(exit, Is.EqualTo(0), err);
            Assert.That(output, Does.StartWith("OK: "));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
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
