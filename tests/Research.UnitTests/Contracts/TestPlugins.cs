namespace Research.UnitTests.Contracts;

/// <summary>
/// Plugin assemblies the contract suite also covers: the sample plugin (plugins/VPrediction, built by this
/// project's ProjectReference) plus any listed in the environment variable <c>RESEARCH_PLUGINS</c>
/// (paths separated by the OS path separator), loaded through the same <c>plugins</c> path as an experiment file.
/// </summary>
public static class TestPlugins
{
    /// <summary>Full paths of the plugin assemblies to load.</summary>
    public static IReadOnlyList<string> Paths { get; } = Find();

    /// <summary>The sample plugin's DLL, in the same configuration/TFM/RID folder as this test assembly.</summary>
    public static string VPrediction
    {
        get
        {
            var testDir = Path.GetDirectoryName(typeof(TestPlugins).Assembly.Location)!;
            var root = new DirectoryInfo(testDir);
            while (root != null && !File.Exists(Path.Combine(root.FullName, "Research.sln"))) root = root.Parent;
            if (root is null) throw new InvalidOperationException("Research.sln not found");
            var relative = Path.GetRelativePath(Path.Combine(root.FullName, "tests", "Research.UnitTests"), testDir);
            return Path.Combine(root.FullName, "plugins", "VPrediction", relative, "Research.Plugins.VPrediction.dll");
        }
    }

    private static List<string> Find()
    {
        var extra = Environment.GetEnvironmentVariable("RESEARCH_PLUGINS") ?? "";
        return new[] { VPrediction }.Concat(extra.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(Path.GetFullPath).Distinct().ToList();
    }
}
