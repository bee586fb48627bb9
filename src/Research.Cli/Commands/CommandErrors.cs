using Research.Core.Configuration;

namespace Research.Cli.Commands;

/// <summary>Maps failures to messages and exit codes in one place.</summary>
public static class CommandErrors
{
    /// <summary>Runs <paramref name="body"/>; invalid input → 2, other failures → 1, each with a clear message.</summary>
    public static int Guard(TextWriter stderr, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (ConfigException e)
        {
            stderr.WriteLine($"error: invalid configuration ({e.Errors.Count} problem{(e.Errors.Count == 1 ? "" : "s")}):");
            foreach (var err in e.Errors) stderr.WriteLine($"  {err}");
            return ExitCodes.BadInput;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or InvalidDataException or UsageException
                                       or Research.Training.Runs.RunFolderBusyException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            stderr.WriteLine("cancelled");
            return ExitCodes.Failure;
        }
        catch (Exception e)
        {
            stderr.WriteLine($"error: {e.GetType().Name}: {e.Message}");
            // An unexpected failure is a bug to report: keep where it happened (the managed frames; native libtorch
            // frames are already in the message).
            stderr.WriteLine(e.StackTrace);
            return ExitCodes.Failure;
        }
    }
}

/// <summary>A usage error detected by a command (exit code 2).</summary>
public sealed class UsageException(string message) : Exception(message);
