namespace Research.Training.Progress;

/// <summary>
/// Rate and time left of a task counted in units (training steps, reverse steps, sweep points), from the units done in
/// the last <see cref="Window"/> of active time. The first <c>warmupUnits</c> units after a (re)start are left out (they
/// carry one-off costs: JIT, allocator, kernel selection), so a constant rate gives the right time left as soon as one
/// more unit is done. Paused time (evaluation during training) counts neither as work nor as waiting.
/// </summary>
/// <remarks>
/// A sliding window, not the rate of the last logging interval: the interval rate jumps with every pause, and is unknown
/// until the first interval ends. <see cref="Restart"/> forgets everything, so a retried or resumed task counts only the
/// units done since (a resumed run's earlier steps are not this process's speed).
/// </remarks>
/// <param name="clock">Seconds from any fixed origin (tests pass a fake clock).</param>
/// <param name="warmupUnits">Units after each restart that are not measured.</param>
public sealed class EtaEstimator(Func<double> clock, int warmupUnits = 1)
{
    private readonly Queue<(double Time, long Units)> _samples = new();
    private double _pausedTotal, _pausedAt = double.NaN;
    private long _start, _baseline = -1;
    private (double Time, long Units) _last;

    /// <summary>The span of active time the rate is measured over.</summary>
    public double Window { get; init; } = 30;

    /// <summary>Units at the last <see cref="Restart"/> (a resumed run's step).</summary>
    public long StartUnits => _start;

    /// <summary>Units done, as last reported.</summary>
    public long Done { get; private set; }

    /// <summary>Units in the whole task.</summary>
    public long Total { get; private set; }

    /// <summary>Starts measuring a task of <paramref name="total"/> units of which <paramref name="done"/> are done already.</summary>
    public void Restart(long total, long done)
    {
        Total = total;
        Done = _start = done;
        _baseline = -1;
        _samples.Clear();
        _pausedTotal = 0;
        _pausedAt = double.NaN;
        if (warmupUnits == 0) Mark(done);
    }

    /// <summary>Records that <paramref name="done"/> units are done now.</summary>
    public void Update(long done)
    {
        Done = done;
        if (_baseline < 0 && done - _start >= warmupUnits) Mark(done);
        else if (_baseline >= 0) Enqueue(done);
        double now = Active();
        // Keep one sample older than the window, so the window spans Window seconds even with slow units.
        while (_samples.Count > 2 && now - _samples.ElementAt(1).Time >= Window) _samples.Dequeue();
    }

    /// <summary>Stops the clock (evaluation during training): the time until <see cref="Resume"/> is not measured.</summary>
    public void Pause()
    {
        if (double.IsNaN(_pausedAt)) _pausedAt = clock();
    }

    /// <summary>Starts the clock again after <see cref="Pause"/>.</summary>
    public void Resume()
    {
        if (double.IsNaN(_pausedAt)) return;
        _pausedTotal += clock() - _pausedAt;
        _pausedAt = double.NaN;
    }

    /// <summary>Units per second over the window; null until one unit past the warm-up is done.</summary>
    public double? Rate
    {
        get
        {
            if (_samples.Count < 2) return null;
            var first = _samples.Peek();
            var last = _last;
            double dt = last.Time - first.Time;
            return dt > 0 && last.Units > first.Units ? (last.Units - first.Units) / dt : null;
        }
    }

    /// <summary>Time left at <see cref="Rate"/>, from the last update; null while the rate is unknown.</summary>
    public TimeSpan? Remaining => Rate is { } r ? TimeSpan.FromSeconds(Math.Max(0, Total - Done) / r) : null;

    private void Mark(long done)
    {
        _baseline = done;
        Enqueue(done);
    }

    private void Enqueue(long done)
    {
        _last = (Active(), done);
        _samples.Enqueue(_last);
    }

    // Clock time minus paused time; while paused, the time the pause began.
    private double Active() => (double.IsNaN(_pausedAt) ? clock() : _pausedAt) - _pausedTotal;
}
