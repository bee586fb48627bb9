using System.Reflection;
using TorchSharp;

namespace Research.Core.Runtime;

/// <summary>
/// Which program this is: the commit its sources were built from and whether that tree had uncommitted changes (stamped
/// at build time by <c>build/BuildInfo.targets</c>, never read from the folder a command runs in), and the versions of
/// .NET, TorchSharp and libtorch it runs on. The one place every report of the program's identity reads
/// (<c>run.json</c>, the CLI's version).
/// </summary>
public static class BuildInfo
{
    /// <summary>The value of a field that could not be determined.</summary>
    public const string Unknown = "unknown";

    /// <summary>The full commit hash (40 hex digits) the binary was built from, or <see cref="Unknown"/>.</summary>
    public static string Commit { get; } = Metadata("Research.SourceCommit") ?? Unknown;

    /// <summary>True when the tree had uncommitted changes at build time, false when clean, null when unknown.</summary>
    public static bool? Dirty { get; } = Metadata("Research.SourceTreeDirty") switch
    {
        "true" => true,
        "false" => false,
        _ => null,
    };

    /// <summary>The first 12 digits of <see cref="Commit"/>, with <c>-dirty</c> when the tree was dirty.</summary>
    public static string ShortCommit =>
        (Commit.Length == 40 ? Commit[..12] : Commit) + (Dirty == true ? "-dirty" : "");

    /// <summary>The informational version of the Research assemblies (the project version).</summary>
    public static string Version { get; } =
        typeof(BuildInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? Unknown;

    /// <summary>The TorchSharp package version (its assembly's informational version).</summary>
    public static string TorchSharpVersion { get; } =
        typeof(torch).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(torch).Assembly.GetName().Version?.ToString() ?? Unknown;

    /// <summary>The libtorch version TorchSharp reports (<c>torch.__version__</c>); loads the native library.</summary>
    public static string LibTorchVersion
    {
        get
        {
            try
            {
                return torch.__version__;
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or NotSupportedException or TypeInitializationException)
            {
                return Unknown;
            }
        }
    }

    /// <summary>"research &lt;version&gt; (commit &lt;short&gt;), TorchSharp &lt;v&gt;": one line for logs and the CLI.</summary>
    public static string Describe() => $"research {Version} (commit {ShortCommit}), TorchSharp {TorchSharpVersion}, .NET {Environment.Version}";

    private static string? Metadata(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value is { Length: > 0 } v
            ? v
            : null;
}
