using System.Diagnostics;
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

    /// <summary>
    /// Starts the built CLI (<c>dotnet research.dll</c>) as a child process with <paramref name="args"/>, standard output
    /// and error redirected (the caller reads or drains them) and <c>CI=1</c> (plain progress lines); for the tests that
    /// signal, kill or race a real process.
    /// </summary>
    public static Process Start(string[] args, string? workingDirectory = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        psi.ArgumentList.Add(Path.Combine(TestContext.CurrentContext.TestDirectory, "research.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["CI"] = "1";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        return Process.Start(psi)!;
    }

    private static string FindRoot()
    {
        for (var d = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Research.sln"))) return d.FullName;
        throw new InvalidOperationException("Research.sln not found");
    }
}
