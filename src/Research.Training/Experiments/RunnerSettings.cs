using Research.Training.Loop;
using Research.Training.Progress;
using Research.Training.Runs;
using Serilog.Events;

namespace Research.Training.Experiments;

/// <summary>Where an experiment writes and reads, and how it reports.</summary>
public sealed record RunnerSettings
{
    /// <summary>Folder receiving run folders.</summary>
    public string RunsDir { get; init; } = "runs";

    /// <summary>Folder with downloaded datasets.</summary>
    public string DataRoot { get; init; } = ".data";

    /// <summary>
    /// Makes a progress display for training, sampling and evaluation, one task at a time (the CLI: a bar or plain lines on
    /// standard error, <see cref="ProgressDisplays"/>); none by default.
    /// </summary>
    public Func<IProgressSink> NewProgress { get; init; } = () => IProgressSink.None;

    /// <summary>The least level of the run log's lines on the console (standard error); <c>log.txt</c> gets every level.</summary>
    public LogEventLevel ConsoleLevel { get; init; } = LogEventLevel.Information;

    /// <summary>
    /// The process's SIGINT/SIGTERM handling (the CLI installs it): its token stops training after the current step with a
    /// checkpoint, and the run is recorded <c>interrupted</c>. Null: signals are not handled here.
    /// </summary>
    public Interruption? Interruption { get; init; }

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
