using Serilog;

namespace Research.Training.Loop;

/// <summary>Plain progress lines (step, %, rate, ETA, losses) for logs and non-terminal output.</summary>
public sealed class LogProgressSink(ILogger log, string label) : IProgressSink
{
    private long _total, _start;

    /// <inheritdoc />
    public void Start(long totalSteps, long startStep)
    {
        (_total, _start) = (totalSteps, startStep);
        log.Information("{Label}: training steps {Start}..{Total}", label, startStep, totalSteps);
    }

    /// <inheritdoc />
    public void Report(long step, double stepsPerSecond, string losses)
    {
        var eta = stepsPerSecond > 0 ? TimeSpan.FromSeconds((_total - step) / stepsPerSecond) : TimeSpan.Zero;
        log.Information("{Label}: step {Step}/{Total} ({Pct:F0}%) {Rate:F1} steps/s ETA {Eta} {Losses}",
            label, step, _total, 100.0 * step / _total, stepsPerSecond, eta.ToString(@"hh\:mm\:ss"), losses);
    }

    /// <inheritdoc />
    public void Stop() { }
}
