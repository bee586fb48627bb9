using Research.Core.Configuration;

namespace Research.Cli.Commands;

/// <summary>
/// Maps failures to messages and exit codes in one place. Invalid input (a configuration, a missing or corrupt file, a usage
/// error) is exit code 2; an I/O fault while working (full disk, read-only folder) is exit code 1 with one line naming the path
/// and the cause; anything else is exit code 1 with one line. No stack trace is printed unless <c>--debug</c> is given.
/// </summary>
public static class CommandErrors
{
    private static readonly AsyncLocal<bool> DebugFlag = new();

    /// <summary>Whether <c>--debug</c> was given: failures then print the whole exception, stack trace included.</summary>
    public static bool Debug
    {
        get => DebugFlag.Value;
        set => DebugFlag.Value = value;
    }

    /// <summary>Runs <paramref name="body"/>; failures are reported by <see cref="Report"/>.</summary>
    public static int Guard(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e)
        {
            return Report(stderr, e);
        }
    }

    /// <summary>Writes the message for <paramref name="e"/> to <paramref name="stderr"/> and returns the exit code.</summary>
    public static int Report(TextWriter stderr, Exception e)
    {
        int exit;
        switch (e)
        {
            case ConfigException c:
                stderr.WriteLine($"error: invalid configuration ({c.Errors.Count} problem{(c.Errors.Count == 1 ? "" : "s")}):");
                foreach (var err in c.Errors) stderr.WriteLine($"  {err}");
                exit = ExitCodes.BadInput;
                break;
            case FileNotFoundException or DirectoryNotFoundException or InvalidDataException or UsageException
                 or Training.Runs.RunFolderBusyException:
                stderr.WriteLine($"error: {e.Message}");
                exit = ExitCodes.BadInput;
                break;
            case OperationCanceledException when ConsoleOptions.Interruption is { Requested: true } i:
                stderr.WriteLine($"interrupted by {i.Signal}: a run's checkpoint is at its last finished step; continue with 'research train --resume <run-folder>' " +
                                 "(a sweep: the same 'research sweep' command)");
                exit = ExitCodes.Interrupted;
                break;
            case OperationCanceledException:
                stderr.WriteLine("cancelled");
                exit = ExitCodes.Failure;
                break;
            case Training.Loop.TrainingDivergedException:
                stderr.WriteLine($"error: {e.Message}");      // a known way for a run to end; the message says which checkpoint is intact
                exit = ExitCodes.Failure;
                break;
            case IOException or UnauthorizedAccessException:
                // .NET names the path in these messages ("No space left on device : '<path>'", "Access to the path '<path>' is denied.").
                stderr.WriteLine($"error: {FirstLine(e.Message)}");
                exit = ExitCodes.Failure;
                break;
            default:
                // An unexpected failure is a bug to report; --debug shows where it happened (managed frames, and libtorch's native
                // frames, which it puts in the message).
                stderr.WriteLine($"error: {e.GetType().Name}: {FirstLine(e.Message)}");
                if (!Debug) stderr.WriteLine("(an unexpected error: run again with --debug for the stack trace)");
                exit = ExitCodes.Failure;
                break;
        }
        if (Debug) stderr.WriteLine(e.ToString());
        return exit;
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd();
}

/// <summary>A usage error detected by a command (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
