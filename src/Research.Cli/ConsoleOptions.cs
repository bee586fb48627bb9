using Research.Training.Progress;
using Research.Training.Runs;
using Serilog.Events;

namespace Research.Cli;

/// <summary>
/// The global <c>-v</c> / <c>-q</c> of this invocation and its signal handling, read by the commands. Logs and progress go
/// to standard error; standard output holds results only.
/// </summary>
public static class ConsoleOptions
{
    private static readonly AsyncLocal<State?> Current = new();

    private sealed record State(bool Verbose, bool Quiet, Interruption? Interruption);

    /// <summary><c>-v</c>: debug lines of the run logs on the console too.</summary>
    public static bool Verbose => Current.Value?.Verbose ?? false;

    /// <summary><c>-q</c>: no progress, and only warnings and errors of the run logs on the console.</summary>
    public static bool Quiet => Current.Value?.Quiet ?? false;

    /// <summary>The invocation's SIGINT/SIGTERM handling, or null (none installed).</summary>
    public static Interruption? Interruption => Current.Value?.Interruption;

    /// <summary>The least level of run-log lines on the console: debug with <c>-v</c>, warning with <c>-q</c>, else information.</summary>
    public static LogEventLevel ConsoleLevel => Verbose ? LogEventLevel.Debug : Quiet ? LogEventLevel.Warning : LogEventLevel.Information;

    /// <summary>The progress display: none with <c>-q</c>, a bar on a terminal, plain lines otherwise (<see cref="ProgressDisplays.ForConsole"/>).</summary>
    public static ProgressMode Progress => ProgressDisplays.ForConsole(Quiet);

    /// <summary>Sets this invocation's options until disposed (the previous ones come back).</summary>
    internal static IDisposable Use(bool verbose, bool quiet, Interruption? interruption)
    {
        var previous = Current.Value;
        Current.Value = new State(verbose, quiet, interruption);
        return new Restore(previous);
    }

    private sealed class Restore(State? previous) : IDisposable
    {
        public void Dispose() => Current.Value = previous;
    }
}
