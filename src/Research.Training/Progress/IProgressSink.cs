namespace Research.Training.Progress;

/// <summary>
/// Where long work reports how far it is: training (steps), sampling (reverse steps of every batch), evaluation and sweeps
/// (points). The display (<see cref="TerminalProgress"/> on a terminal, <see cref="LineProgress"/> otherwise) is throttled,
/// so <see cref="Advance"/> may be called every unit; it never touches tensors or random generators.
/// </summary>
public interface IProgressSink
{
    /// <summary>Starts (or restarts, after a retry or on resume) a task of <paramref name="total"/> units, <paramref name="done"/>
    /// of them done already; the time left counts only units done from here on.</summary>
    void Start(string label, long total, long done = 0);

    /// <summary><paramref name="done"/> units are done now.</summary>
    void Advance(long done);

    /// <summary>A short note shown beside the bar (the latest losses).</summary>
    void Note(string text);

    /// <summary>The time until <see cref="Resume"/> is not the task's own (evaluation during training): the rate leaves it out.</summary>
    void Pause(string what);

    /// <summary>Ends a <see cref="Pause"/>.</summary>
    void Resume();

    /// <summary>The task ended (normally or not): the last state is shown once more and the terminal restored.</summary>
    void Stop();

    /// <summary>Reports nothing.</summary>
    public static IProgressSink None { get; } = new NoProgress();

    private sealed class NoProgress : IProgressSink
    {
        public void Start(string label, long total, long done = 0) { }
        public void Advance(long done) { }
        public void Note(string text) { }
        public void Pause(string what) { }
        public void Resume() { }
        public void Stop() { }
    }
}
