using System.Globalization;

namespace Research.Training.Progress;

/// <summary>One state of a task as a display shows it.</summary>
/// <param name="Label">What runs (a run's name, a sampling request, a sweep).</param>
/// <param name="Done">Units done.</param>
/// <param name="Total">Units in all.</param>
/// <param name="Rate">Units per second (null: not measured yet).</param>
/// <param name="Remaining">Time left (null: not known yet).</param>
/// <param name="Elapsed">Time since the task (re)started.</param>
/// <param name="Note">The latest note (losses), or empty.</param>
/// <param name="Paused">What the task waits for (evaluation), or empty.</param>
public sealed record ProgressState(string Label, long Done, long Total, double? Rate, TimeSpan? Remaining, TimeSpan Elapsed, string Note, string Paused)
{
    /// <summary>Done as a percentage of the total (0 for an empty task).</summary>
    public double Percent => Total > 0 ? 100.0 * Done / Total : 0;

    /// <summary><c>1,234/6,000 (21 %) 12.3/s ETA 3:14 elapsed 0:41</c>, then the pause and the note.</summary>
    public string Describe()
    {
        var c = CultureInfo.InvariantCulture;
        string rate = Rate is { } r ? (r >= 10 ? r.ToString("F0", c) : r >= 1 ? r.ToString("F1", c) : r.ToString("F2", c)) + "/s" : "–/s";
        string eta = Remaining is { } t ? ProgressDisplay.Duration(t) : "–";
        string text = string.Create(c, $"{Done:N0}/{Total:N0} ({Percent:F0} %) {rate} ETA {eta} elapsed {ProgressDisplay.Duration(Elapsed)}");
        if (Paused.Length > 0) text += $" [{Paused}]";
        if (Note.Length > 0) text += " " + Note;
        return text;
    }
}
