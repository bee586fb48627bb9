using Research.Training.Loop;

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

    /// <summary>
    /// How many times one run may resume from its last checkpoint after libtorch's transient error on a freed temporary
    /// Scalar (<see cref="Core.Runtime.TransientNativeError"/>). Resuming is bit-exact, so the run ends with the weights
    /// it would have had; any other error stops the run.
    /// </summary>
    public int TransientRetries { get; init; } = 3;

    /// <summary>The command line recorded in each run's <c>run.json</c>: the CLI passes the one it parsed (every <c>--set</c>);
    /// by default this process's.</summary>
    public IReadOnlyList<string> CommandLine { get; init; } = Environment.GetCommandLineArgs();

    /// <summary>The experiment file recorded, with its SHA-256, in each run's <c>run.json</c> (null: none, or a resume's
    /// <c>resolved.json</c>).</summary>
    public string? ExperimentFile { get; init; }

    /// <summary>Called before each training step with the session, whose <c>Step</c> is the step about to run (tests inject
    /// failures with it).</summary>
    public Action<TrainingSession>? BeforeStep { get; init; }
}
