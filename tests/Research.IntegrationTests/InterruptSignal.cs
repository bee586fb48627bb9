namespace Research.IntegrationTests;

/// <summary>
/// The signal the interrupt tests send for Ctrl-C. A process started in the background by a non-interactive shell
/// (<c>cmd &amp;</c>, e.g. <c>nohup bash .ci/run &amp;</c>) inherits SIGINT ignored, and an ignored signal stays ignored in
/// every child it starts, so a SIGINT could never reach the CLI under test; SIGTERM takes the same path in the CLI
/// (docs/failure-modes.md §11) and is sent instead.
/// </summary>
internal static class InterruptSignal
{
    /// <summary>"INT", or "TERM" when this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status).</summary>
    public static string Name { get; } = SigintIgnored() ? "TERM" : "INT";

    private static bool SigintIgnored()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return false;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }
}
