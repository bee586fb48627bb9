namespace Research.Training.Loop;

/// <summary>Where the loop reports progress (a Spectre.Console bar, plain log lines, or nothing).</summary>
public interface IProgressSink
{
    /// <summary>Training is about to run from <paramref name="startStep"/> to <paramref name="totalSteps"/>.</summary>
    void Start(long totalSteps, long startStep);

    /// <summary>At each logging interval: the step reached, steps per second, and formatted losses.</summary>
    void Report(long step, double stepsPerSecond, string losses);

    /// <summary>Training ended (normally or not).</summary>
    void Stop();

    /// <summary>Reports nothing.</summary>
    public static IProgressSink None { get; } = new NoProgress();

    private sealed class NoProgress : IProgressSink
    {
        public void Start(long totalSteps, long startStep) { }
        public void Report(long step, double stepsPerSecond, string losses) { }
        public void Stop() { }
    }
}
