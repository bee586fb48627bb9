namespace Research.Cli;

/// <summary>Process exit codes of <c>research</c>.</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;
    /// <summary>The run failed while working (training diverged, I/O error, …).</summary>
    public const int Failure = 1;
    /// <summary>Bad usage or bad input (unknown option, invalid experiment file, unreadable file); nothing was written.</summary>
    public const int BadInput = 2;
    /// <summary>Stopped by SIGINT (Ctrl-C) or SIGTERM: training wrote a checkpoint at its last step and <c>run.json</c> says
    /// <c>interrupted</c> (<c>research train --resume</c> continues); a second signal stops at once.</summary>
    public const int Interrupted = Training.Runs.Interruption.ExitCode;
}
