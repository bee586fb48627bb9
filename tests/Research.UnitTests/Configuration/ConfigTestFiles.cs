namespace Research.UnitTests.Configuration;

/// <summary>Paths of the configuration test data and a scratch folder for files written by tests.</summary>
public static class ConfigTestFiles
{
    /// <summary><c>tests/data/bad-configs</c>.</summary>
    public static string BadConfigs => Path.Combine(TestPaths.RepoRoot, "tests", "data", "bad-configs");

    /// <summary><c>tests/data/good-configs</c>.</summary>
    public static string GoodConfigs => Path.Combine(TestPaths.RepoRoot, "tests", "data", "good-configs");

    /// <summary>A file under <see cref="GoodConfigs"/>.</summary>
    public static string Good(string name) => Path.Combine(GoodConfigs, name);

    /// <summary>Writes <paramref name="files"/> (relative name → content) into a fresh folder and returns it.</summary>
    public static string Scratch(params (string Name, string Content)[] files)
    {
        var dir = Path.Combine(Path.GetTempPath(), "research-config-tests", Guid.NewGuid().ToString("N"));
        foreach (var (name, content) in files)
        {
            var path = Path.Combine(dir, name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content);
        }
        return dir;
    }
}
