using System.Diagnostics;
using System.Globalization;

namespace Research.Training.Progress;

/// <summary>
/// What both displays share: the task's state, its <see cref="EtaEstimator"/>, the throttle (at most one render per
/// <see cref="MinInterval"/>; the first and the last state are always shown) and the formatting. Thread-safe: a timer or
/// another thread may render while the work thread advances.
/// </summary>
/// <param name="clock">Seconds from any fixed origin; null: a monotonic stopwatch.</param>
/// <param name="minInterval">Least time between two renders, in seconds.</param>
public abstract class ProgressDisplay(Func<double>? clock, double minInterval) : IProgressSink
{
    private static readonly Stopwatch Monotonic = Stopwatch.StartNew();

    /// <summary>The lock every render and every state change takes.</summary>
    protected object Gate { get; } = new();

    /// <summary>Seconds now.</summary>
    protected Func<double> Clock { get; } = clock ?? (() => Monotonic.Elapsed.TotalSeconds);

    /// <summary>Least time between two renders, in seconds.</summary>
    public double MinInterval { get; } = minInterval;

    /// <summary>The estimator of the current task.</summary>
    protected EtaEstimator Eta { get; private set; } = new(() => 0);

    private double _lastRender = double.NegativeInfinity, _started;
    private string _label = "", _note = "", _paused = "";
    private bool _running;

    /// <summary>How many times the display rendered (tests).</summary>
    public int Renders { get; private set; }

    /// <inheritdoc />
    public void Start(string label, long total, long done = 0)
    {
        lock (Gate)
        {
            Eta = new EtaEstimator(Clock, WarmupUnits);
            Eta.Restart(total, done);
            (_label, _note, _paused, _running) = (label, "", "", true);
            _started = Clock();
            OnStart();
            RenderNow(final: false);
        }
    }

    /// <summary>Units after a start that the rate leaves out (1, the default: a first training step carries one-off costs;
    /// 0 for sweep points).</summary>
    public int WarmupUnits { get; init; } = 1;

    /// <inheritdoc />
    public void Advance(long done)
    {
        lock (Gate)
        {
            if (!_running) return;
            Eta.Update(done);
            if (Clock() - _lastRender >= MinInterval) RenderNow(final: false);
        }
    }

    /// <inheritdoc />
    public void Note(string text)
    {
        lock (Gate) _note = text;
    }

    /// <inheritdoc />
    public void Pause(string what)
    {
        lock (Gate)
        {
            Eta.Pause();
            _paused = what;
            if (_running) RenderNow(final: false);
        }
    }

    /// <inheritdoc />
    public void Resume()
    {
        lock (Gate)
        {
            Eta.Resume();
            _paused = "";
        }
    }

    /// <inheritdoc />
    public void Stop()
    {
        lock (Gate)
        {
            if (!_running) return;
            _running = false;
            _paused = "";
            RenderNow(final: true);
            OnStop();
        }
    }

    /// <summary>Renders the current state now if a task runs and the throttle allows (a timer's tick).</summary>
    protected void Tick()
    {
        lock (Gate)
        {
            // Not while paused: the pause's own work (sampling) may show its bar on the same line meanwhile.
            if (_running && _paused.Length == 0 && Clock() - _lastRender >= MinInterval) RenderNow(final: false);
        }
    }

    /// <summary>Called under <see cref="Gate"/> when a task starts.</summary>
    protected virtual void OnStart() { }

    /// <summary>Called under <see cref="Gate"/> after the last render of a task.</summary>
    protected virtual void OnStop() { }

    /// <summary>Shows one state (under <see cref="Gate"/>); <paramref name="final"/> for the task's last.</summary>
    protected abstract void Render(ProgressState state, bool final);

    private void RenderNow(bool final)
    {
        _lastRender = Clock();
        Renders++;
        Render(new ProgressState(_label, Eta.Done, Eta.Total, Eta.Rate, Eta.Remaining, TimeSpan.FromSeconds(Clock() - _started), _note, _paused), final);
    }

    /// <summary><c>1:02:03</c> or <c>2:03</c>.</summary>
    public static string Duration(TimeSpan t) => t.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}")
        : string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}:{t.Seconds:00}");
}
