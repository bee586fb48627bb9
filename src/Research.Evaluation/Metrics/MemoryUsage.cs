namespace Research.Evaluation.Metrics;

/// <summary>A snapshot of the process's memory, managed and native together.</summary>
/// <param name="PeakResidentBytes">
/// Peak resident set size since start (or the last reset): <c>VmHWM</c> of <c>/proc/self/status</c> on Linux,
/// <see cref="System.Diagnostics.Process.PeakWorkingSet64"/> elsewhere. Includes libtorch's native tensors.
/// </param>
/// <param name="ResidentBytes">Current resident set size (<c>VmRSS</c>).</param>
/// <param name="ManagedHeapBytes">Bytes in the .NET GC heap (<see cref="GC.GetTotalMemory(bool)"/>, no collection forced).</param>
/// <param name="Source">Where the resident numbers came from: <c>/proc/self/status</c> or <c>Process</c>.</param>
public sealed record MemoryUsage(long PeakResidentBytes, long ResidentBytes, long ManagedHeapBytes, string Source)
{
    /// <summary>Peak resident size in MiB.</summary>
    public double PeakResidentMiB => PeakResidentBytes / (1024.0 * 1024.0);
}
