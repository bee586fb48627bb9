using System.Diagnostics;

namespace Research.Cli.Sweeps;

/// <summary>
/// The command line that runs <c>research</c> itself, for the worker processes and Slurm tasks of a sweep: the
/// running apphost when this is one, otherwise the <c>research.dll</c> next to this assembly under the current
/// dotnet host (works from the apphost, <c>dotnet research.dll</c> and the test host alike).
/// </summary>
public static class SelfInvocation
{
    /// <summary>The executable and the arguments before <c>research</c>'s own, every path absolute.</summary>
    public static IReadOnlyList<string> Command()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "research") return [self];
        var dll = Path.Combine(AppContext.BaseDirectory, "research.dll");
        var host = self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self
            : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? FindOnPath("dotnet") ?? "dotnet";
        return [host, dll];
    }

    /// <summary>A process start for <see cref="Command"/> followed by <paramref name="args"/>, output redirected.</summary>
    public static ProcessStartInfo Start(IEnumerable<string> args)
    {
        var command = Command();
        var psi = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1).Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["CI"] = "1";
        return psi;
    }

    /// <summary>The full path of executable <paramref name="name"/> on <c>PATH</c>, or null.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var file in OperatingSystem.IsWindows() ? [name + ".exe", name] : new[] { name })
            {
                var candidate = Path.Combine(dir, file);
                if (File.Exists(candidate) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(candidate) & UnixFileMode.UserExecute) != 0))
                    return Path.GetFullPath(candidate);
            }
        }
        return null;
    }
}
