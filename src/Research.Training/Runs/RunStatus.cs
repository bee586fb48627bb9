namespace Research.Training.Runs;

/// <summary>The state of a run's training process, as <c>run.json</c>'s <c>status</c> records it (lower case).</summary>
public enum RunStatus
{
    /// <summary>Started, not ended (or ended by SIGKILL, a crash of the runtime or a power cut: nothing could record it).</summary>
    Running,

    /// <summary>Trained (and evaluated, where the command evaluates) to the end.</summary>
    Completed,

    /// <summary>Stopped by an error; <c>run.json</c>'s <c>error</c> and <c>log.txt</c> hold it.</summary>
    Failed,

    /// <summary>Stopped by SIGINT (Ctrl-C) or SIGTERM.</summary>
    Interrupted,
}
