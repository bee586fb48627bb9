namespace Research.Training.Progress;

/// <summary>
/// Progress as plain lines, for logs, pipes and CI (no terminal): <c>label: 1,234/6,000 (21 %) 12.3/s ETA 3:14 elapsed 0:41 …</c>
/// when a task starts, then at most one line per <see cref="ProgressDisplay.MinInterval"/> (10 s by default), and when it ends.
/// </summary>
/// <param name="output">Where the lines go (the CLI passes standard error).</param>
/// <param name="clock">Seconds (tests); null: a monotonic clock.</param>
/// <param name="minInterval">Least seconds between two lines.</param>
public sealed class LineProgress(TextWriter output, Func<double>? clock = null, double minInterval = 10) : ProgressDisplay(clock, minInterval)
{
    /// <inheritdoc />
    protected override void Render(ProgressState state, bool final)
    {
        lock (StatusConsole.Gate)
        {
            output.WriteLine($"{state.Label}: {state.Describe()}");
            output.Flush();
        }
    }
}
