namespace Research.Training.Runs;

/// <summary>What <see cref="MetricsFile"/> did to a torn last line of <c>metrics.jsonl</c> (one without its newline).</summary>
public enum TailRepair
{
    /// <summary>The file ended in a newline (or was empty): nothing to repair.</summary>
    None,

    /// <summary>The last line was a whole JSON object without its newline: the newline was added.</summary>
    NewlineAdded,

    /// <summary>The last line was cut short (not a JSON object): it was dropped.</summary>
    Dropped,
}
