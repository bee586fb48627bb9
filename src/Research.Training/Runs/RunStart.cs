using System.Security.Cryptography;

namespace Research.Training.Runs;

/// <summary>What started a run's training process, recorded in <c>run.json</c> (<see cref="RunRecord"/>).</summary>
/// <param name="CommandLine">The full command line, every <c>--set</c> included (first element: the program).</param>
/// <param name="ExperimentFile">The experiment file the configuration was read from (the run's <c>resolved.json</c> on a
/// resume, a sweep point's resolved file in a sweep), absolute, or null when there is none.</param>
/// <param name="ExperimentSha256">SHA-256 (lower-case hex) of that file as it was read, or null.</param>
/// <param name="Device">The device the run trains on (resolved: <c>cpu</c>, <c>cuda:0</c>).</param>
/// <param name="Threads">libtorch's intra-op threads.</param>
public sealed record RunStart(IReadOnlyList<string> CommandLine, string? ExperimentFile, string? ExperimentSha256, string Device, int Threads)
{
    /// <summary>The start of a process that read <paramref name="experimentFile"/>: hashes the file now.</summary>
    public static RunStart Describe(IReadOnlyList<string> commandLine, string? experimentFile, string device, int threads)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var full = experimentFile is null ? null : Path.GetFullPath(experimentFile);
        var sha = full is not null && File.Exists(full) ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(full))) : null;
        return new RunStart(commandLine, full, sha, device, threads);
    }
}
