using Spectre.Console;

namespace Research.Training.Loop;

/// <summary>A live Spectre.Console progress bar with rate and ETA, for interactive terminals.</summary>
public sealed class SpectreProgressSink(string label) : IProgressSink
{
    private readonly object _gate = new();
    private readonly ManualResetEventSlim _stopped = new();
    private Task? _render;
    private long _step;
    private string _losses = "";
    private bool _done;

    /// <inheritdoc />
    public void Start(long totalSteps, long startStep)
    {
        _step = startStep;
        var ready = new ManualResetEventSlim();
        _render = Task.Run(() => AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(label), maxValue: totalSteps);
                task.Value = startStep;
                ready.Set();
                while (true)
                {
                    bool done;
                    lock (_gate)
                    {
                        task.Value = _step;
                        task.Description = Markup.Escape($"{label} {_losses}");
                        done = _done;
                    }
                    if (done) { task.StopTask(); break; }
                    _stopped.Wait(200);
                }
            }));
        ready.Wait(2000);
    }

    /// <inheritdoc />
    public void Report(long step, double stepsPerSecond, string losses)
    {
        lock (_gate) { _step = step; _losses = losses; }
    }

    /// <inheritdoc />
    public void Stop()
    {
        lock (_gate) _done = true;
        _stopped.Set();
        _render?.Wait();
    }
}
