namespace Research.UnitTests;

/// <summary>Locates the repository root and the reference data committed under <c>tests/data/reference</c>.</summary>
public static class TestPaths
{
    /// <summary>The folder holding <c>Research.sln</c>.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>
    /// <c>tests/data/reference</c>: values computed by the official Python code, written by its <c>generate.py</c>
    /// (its README says which code, commit and command).
    /// </summary>
    public static string ReferenceData => Path.Combine(RepoRoot, "tests", "data", "reference");

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Research.sln"))) return dir.FullName;
        throw new InvalidOperationException("Research.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
