namespace Research.UnitTests;

/// <summary>Locates the repository root and the shared reference data (<c>../shared/data</c> next to it).</summary>
public static class TestPaths
{
    /// <summary>The folder holding <c>Research.sln</c>.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary><c>../shared/data</c> beside the repository (reference values from the official code).</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Research.sln"))) return dir.FullName;
        throw new InvalidOperationException("Research.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
