namespace Research.Training.Experiments;

/// <summary>Where an experiment writes and reads, and how it reports.</summary>
public sealed record RunnerSettings
{
    /// <summary>Folder receiving run folders.</summary>
    public string RunsDir { get; init; } = "runs";

    /// <summary>Folder with downloaded datasets.</summary>
    public string DataRoot { get; init; } = ".data";

    /// <summary>Show a live progress bar (terminal) instead of plain progress lines.</summary>
    public bool Interactive { get; init; }
}
