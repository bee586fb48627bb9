using System.Diagnostics;
using System.Globalization;

namespace Research.Evaluation.Metrics;

/// <summary>
/// Reads the process's peak memory (resident set high-water mark), which covers managed objects and libtorch's
/// native tensor memory alike; a managed-only counter would miss almost every tensor.
/// </summary>
public static class PeakMemory
{
    private const string StatusFile = "/proc/self/status";
    private const string ClearRefsFile = "/proc/self/clear_refs";

    /// <summary>Reads the current snapshot.</summary>
    public static MemoryUsage Read()
    {
        long managed = GC.GetTotalMemory(forceFullCollection: false);
        if (OperatingSystem.IsLinux() && File.Exists(StatusFile))
        {
            long? peak = null, rss = null;
            foreach (var line in File.ReadLines(StatusFile))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal)) peak = ParseKilobytes(line);
                else if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = ParseKilobytes(line);
            }
            if (peak is { } p && rss is { } r) return new MemoryUsage(p, r, managed, StatusFile);
        }
        using var process = Process.GetCurrentProcess();
        return new MemoryUsage(process.PeakWorkingSet64, process.WorkingSet64, managed, "Process");
    }

    /// <summary>
    /// Resets the peak to the current resident size so a later <see cref="Read"/> measures one phase (Linux ≥ 4.0:
    /// writes 5 to <c>/proc/self/clear_refs</c>). Returns false where that is not possible.
    /// </summary>
    public static bool TryResetPeak()
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            File.WriteAllText(ClearRefsFile, "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Parses "VmHWM:\t  123456 kB" into bytes (from 10 GB on no space follows the tab: "VmHWM:\t12870520 kB").</summary>
    internal static long ParseKilobytes(string line)
    {
        var parts = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 3 || parts[2] != "kB" || !long.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb))
            throw new FormatException($"Unexpected line in {StatusFile}: '{line}'.");
        return kb * 1024;
    }
}
