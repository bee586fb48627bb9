namespace Research.Training.Progress;

/// <summary>
/// A live one-line bar on a terminal (standard error): label, bar, done/total, percentage, rate, time left, elapsed and
/// the latest note, redrawn in place at most <see cref="ProgressDisplay.MinInterval"/> apart (10 per second by default) and
/// once a second while no unit arrives. The cursor is hidden while the bar is shown and shown again by <see cref="ProgressDisplay.Stop"/>
/// (and by <see cref="StatusConsole.RestoreCursor"/> on every other way out).
/// </summary>
public sealed class TerminalProgress : ProgressDisplay, IDisposable
{
    private readonly TextWriter _out;
    private readonly Func<int> _width;
    private readonly bool _console;
    private Timer? _timer;
    private string _line = "";

    /// <summary>A bar on <paramref name="output"/> (null: the process's standard error).</summary>
    /// <param name="output">The terminal; null for <see cref="Console.Error"/>, shared with the log lines (<see cref="StatusConsole"/>).</param>
    /// <param name="width">Columns of the terminal; null: the console's.</param>
    /// <param name="clock">Seconds (tests); null: a monotonic clock.</param>
    /// <param name="minInterval">Least seconds between two redraws.</param>
    public TerminalProgress(TextWriter? output = null, Func<int>? width = null, Func<double>? clock = null, double minInterval = 0.1)
        : base(clock, minInterval)
    {
        _console = output is null;
        _out = output ?? Console.Error;
        _width = width ?? ConsoleWidth;
    }

    /// <inheritdoc />
    protected override void OnStart()
    {
        lock (StatusConsole.Gate)
        {
            _out.Write(StatusConsole.HideCursor);
            if (_console) StatusConsole.Activate(this, hidesCursor: true);
        }
        _timer ??= new Timer(_ => Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <inheritdoc />
    protected override void Render(ProgressState state, bool final)
    {
        int width = Math.Max(20, _width() - 1);
        string head = state.Label + " ";
        string tail = " " + state.Describe();
        int barWidth = Math.Clamp(width - head.Length - tail.Length - 2, 0, 30);
        string bar = "";
        if (barWidth >= 5)
        {
            int filled = (int)Math.Round(barWidth * Math.Clamp(state.Percent / 100, 0, 1));
            bar = "[" + new string('#', filled) + new string('.', barWidth - filled) + "]";
        }
        string line = head + bar + tail;
        _line = line.Length > width ? line[..width] : line;
        lock (StatusConsole.Gate)
        {
            if (_console) StatusConsole.Activate(this, hidesCursor: true);   // the bar on the line now (after a pause's own bar)
            _out.Write("\r" + _line + "\u001b[K");
            if (final) _out.Write('\n');
            _out.Flush();
        }
        if (final) _line = "";
    }

    /// <inheritdoc />
    protected override void OnStop()
    {
        _timer?.Dispose();
        _timer = null;
        lock (StatusConsole.Gate)
        {
            if (_console) StatusConsole.Deactivate(this);
            _out.Write(StatusConsole.ShowCursor);
            _out.Flush();
        }
        if (_console) StatusConsole.RestoreCursor();
    }

    /// <summary>Clears the bar's line (before a log line; under <see cref="StatusConsole.Gate"/>).</summary>
    internal void ClearLine()
    {
        if (_line.Length > 0) _out.Write("\r\u001b[K");
    }

    /// <summary>Draws the bar's last line again (after a log line; under <see cref="StatusConsole.Gate"/>).</summary>
    internal void Redraw()
    {
        if (_line.Length > 0) _out.Write(_line);
        _out.Flush();
    }

    /// <inheritdoc />
    public void Dispose() => Stop();

    private static int ConsoleWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or PlatformNotSupportedException)
        {
            return 100;
        }
    }
}
