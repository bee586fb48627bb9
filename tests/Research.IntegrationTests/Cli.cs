using Research.Cli;

namespace Research.IntegrationTests;

/// <summary>Runs the <c>research</c> command line in-process and captures its output.</summary>
public static class Cli
{
    /// <summary>The repository root (holds Research.sln).</summary>
    public static string RepoRoot { get; } = FindRoot();

    /// <summary>Runs with <paramref name="args"/>; returns exit code, stdout and stderr.</summary>
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = CliApp.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Research.sln"))) return d.FullName;
        throw new InvalidOperationException("Research.sln not found");
    }
}
