namespace Research.Training.Progress;

/// <summary>Makes the display a <see cref="ProgressMode"/> asks for, on the process's standard error.</summary>
public static class ProgressDisplays
{
    /// <summary>Seconds between two plain progress lines.</summary>
    public const double LineInterval = 10;

    /// <summary>A new display for one task at a time.</summary>
    /// <param name="mode">Which display.</param>
    /// <param name="warmupUnits">Units after each start that the rate leaves out (<see cref="EtaEstimator"/>).</param>
    public static IProgressSink Create(ProgressMode mode, int warmupUnits = 1) => mode switch
    {
        ProgressMode.Terminal => new TerminalProgress { WarmupUnits = warmupUnits },
        ProgressMode.Lines => new LineProgress(Console.Error, minInterval: LineInterval) { WarmupUnits = warmupUnits },
        _ => IProgressSink.None,
    };

    /// <summary>
    /// The mode for this process: none when <paramref name="quiet"/>; a bar when standard error is a terminal and the
    /// environment is no CI (<c>CI</c> unset); plain lines otherwise.
    /// </summary>
    public static ProgressMode ForConsole(bool quiet) =>
        quiet ? ProgressMode.None
        : !Console.IsErrorRedirected && Environment.GetEnvironmentVariable("CI") is null ? ProgressMode.Terminal
        : ProgressMode.Lines;
}
