namespace Research.Training.Progress;

/// <summary>How a command shows progress (on standard error).</summary>
public enum ProgressMode
{
    /// <summary>Not at all (<c>-q</c>, or a library caller).</summary>
    None,

    /// <summary>A live bar redrawn in place (standard error is a terminal).</summary>
    Terminal,

    /// <summary>Plain lines every few seconds (standard error is a file, a pipe or CI).</summary>
    Lines,
}
