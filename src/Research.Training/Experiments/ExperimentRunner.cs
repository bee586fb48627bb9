using Research.Core.Configuration;
using Research.Core.Registry;
using Research.Evaluation.Tables;
using Research.Training.Loop;
using Research.Training.Runs;
using Serilog.Events;

namespace Research.Training.Experiments;

/// <summary>
/// Carries a validated experiment through training, sampling and evaluation: one run folder per run
/// (variant), one comparison table for the experiment.
/// </summary>
public sealed class ExperimentRunner(ComponentRegistry registry, RunnerSettings settings, TextWriter output)
{
    /// <summary>Trains one run in a new run folder (or resumes <paramref name="resumeFrom"/>) and returns the open session.</summary>
    /// <remarks>
    /// The session is built before a new run folder is created, so a configuration problem found while building it
    /// (a missing data file or feature-extractor weights) leaves nothing behind.
    /// </remarks>
    /// <param name="run">The resolved run.</param>
    /// <param name="parentFolder">Create the run folder under this folder (a sweep point) instead of the runs folder.</param>
    /// <param name="resumeFrom">A run folder to continue from its latest checkpoint.</param>
    /// <param name="evaluateLastStep">Evaluate the last step too, when it falls on <c>eval_every</c> (for callers that do not
    /// evaluate after training, i.e. <c>research train</c>).</param>
    /// <param name="restartWithoutCheckpoint">
    /// A resumed folder without any checkpoint starts again from step 0 even when <c>metrics.jsonl</c> records training (a
    /// sweep point killed before its first checkpoint). Otherwise such a resume is refused (<see cref="InvalidDataException"/>,
    /// nothing written): it would train over the run's history.
    /// </param>
    /// <exception cref="RunFolderBusyException">Another process trains into <paramref name="resumeFrom"/>.</exception>
    public (TrainingSession Session, RunFolder Folder) Train(ResolvedRun run, string? parentFolder = null, string? resumeFrom = null,
        bool evaluateLastStep = false, bool restartWithoutCheckpoint = false)
    {
        if (resumeFrom is null) DataPreflight.Check([run], registry, settings.DataRoot);
        if (resumeFrom is not null && CheckpointFiles.ResumeSource(Path.Combine(resumeFrom, "checkpoints")) is { } source)
            ValidateCheckpoint(source, run.Options);   // before the run folder's log or any file is touched
        var session = SessionBuilder.Build(run.Options, run.ResolvedJson, registry, settings.DataRoot, run.KeySources);
        // The experiment file as read (a resume rewrites its resolved.json below).
        var start = RunStart.Describe(settings.CommandLine, settings.ExperimentFile ?? (resumeFrom is null ? null : Path.Combine(resumeFrom, "resolved.json")),
            session.Device.ToString(), TorchSharp.torch.get_num_threads());
        RunFolder? folder = null;
        try
        {
            folder = resumeFrom is not null
                ? RunFolder.OpenForWriting(resumeFrom, ConsoleLevel)
                : parentFolder is not null
                    ? RunFolder.CreateAt(Path.Combine(parentFolder, run.Variant ?? run.Name), run.ResolvedJson, run.Options.Seed, ConsoleLevel, run.Method)
                    : RunFolder.Create(settings.RunsDir, run.Name, run.ResolvedJson, run.Options.Seed, ConsoleLevel, run.Method);
            string? resumeSource = resumeFrom is null ? null : FindResumeSource(folder, restartWithoutCheckpoint);   // before any write
            folder.Log.Information("Run {Name} in {Path}: {Family} on {Data}, backbone {Backbone}, {Runtime}", run.Name, folder.Path,
                run.Options.Parameterization.Type, run.Options.Data.Type, run.Options.Backbone.Type, string.Join(", ", Core.Runtime.TorchRuntime.Notes));
            foreach (var line in session.InitializedFrom) folder.Log.Information("Initialised {Line}", line);
            WarnIfUnscored(session, folder);
            if (resumeFrom is not null)
            {
                foreach (var stale in Directory.GetFiles(folder.Checkpoints, ".*.tmp"))
                    File.Delete(stale);                          // a write interrupted by a kill; the renamed file is intact
                ResumeFrom(session, folder, resumeSource);
                Core.IO.AtomicFile.WriteAllText(Path.Combine(folder.Path, "resolved.json"), run.ResolvedJson);
            }
            // run.json names this process from here on (a resume refused above leaves the earlier process's record as it was).
            folder.BeginRun(start, resumed: resumeFrom is not null);
            AttachTensorBoard(session, folder);                  // after the checks of a resume: a refused one leaves no event file
            var progress = settings.NewProgress();
            Attach(session);
            var evaluate = run.Options.Training.EvalEvery > 0 && run.Options.Sampling.Count > 0
                ? s => SampleEvaluator.EvaluateAll(s, folder, run.Method, reuseFinished: true)
                : (Action<TrainingSession>?)null;
            for (int retry = 1; ; retry++)
            {
                try
                {
                    // A retry's Trainer starts the display again: its bar moves on from the resumed step, its rate is measured afresh.
                    new Trainer(session, folder, progress, evaluate, evaluateLastStep, settings.BeforeStep, run.Name).Train(Cancel);
                    return (session, folder);
                }
                catch (Exception e) when (Core.Runtime.TransientNativeError.Is(e) && retry <= settings.TransientRetries)
                {
                    // The failed op wrote nothing, but the step was half done: rebuild the session as `train --resume`
                    // does and continue from the last checkpoint (or from step 0), which reproduces the same weights.
                    folder.Log.Warning("step {Step}: transient libtorch error on a temporary Scalar ({Message}); resuming from the last " +
                                       "checkpoint, retry {Retry} of {Max} (docs/toolchain.md)", session.Step, FirstLine(e.Message), retry,
                                       settings.TransientRetries);
                    session.Dispose();
                    session = SessionBuilder.Build(run.Options, run.ResolvedJson, registry, settings.DataRoot, run.KeySources);
                    Attach(session);
                    ResumeFrom(session, folder, FindResumeSource(folder, restartWithoutCheckpoint: true));   // its own history
                }
            }
        }
        catch (Exception e)
        {
            if (folder is not null) End(folder, e);
            session.Dispose();
            folder?.Dispose();
            throw;
        }
    }

    private CancellationToken Cancel => settings.Interruption?.Token ?? CancellationToken.None;

    // Progress and Ctrl-C reach the session's sampling and scoring too.
    private void Attach(TrainingSession session)
    {
        session.NewProgress = settings.NewProgress;
        session.Cancel = Cancel;
    }

    // run.json: interrupted when a signal stopped the work, failed otherwise.
    private void End(RunFolder folder, Exception e)
    {
        if (e is OperationCanceledException && settings.Interruption is { Requested: true } i) folder.MarkInterrupted(i.Signal ?? "a signal");
        else folder.Fail(e);
    }

    /// <summary>
    /// Trains one run as <see cref="Train"/> does, then calls <paramref name="then"/> (evaluation, reporting), records in
    /// <c>run.json</c> that the run completed, or failed with the error (also written to its <c>log.txt</c>), and disposes the
    /// session and the folder. Returns what <paramref name="then"/> returned.
    /// </summary>
    public T TrainThen<T>(ResolvedRun run, Func<TrainingSession, RunFolder, T> then, string? parentFolder = null, string? resumeFrom = null,
        bool evaluateLastStep = false, bool restartWithoutCheckpoint = false)
    {
        ArgumentNullException.ThrowIfNull(then);
        var (session, folder) = Train(run, parentFolder, resumeFrom, evaluateLastStep, restartWithoutCheckpoint);
        using (session)
        using (folder)
        {
            T result;
            try
            {
                result = then(session, folder);
            }
            catch (Exception e)
            {
                End(folder, e);
                throw;
            }
            folder.Complete();
            return result;
        }
    }

    /// <summary>
    /// Opens a trained run folder: its configuration (with <paramref name="overrides"/> layered on top, validated like
    /// <c>--set</c> of <c>research train</c>), and the weights and EMA of its checkpoint. The overrides apply to this
    /// session only; <c>resolved.json</c> is not changed. Sections the checkpoint checks (data, backbone, schedule,
    /// parameterization) must still match it.
    /// </summary>
    public (TrainingSession Session, RunFolder Folder) OpenTrained(string runFolder, string checkpoint = "latest", IReadOnlyList<string>? overrides = null)
    {
        var resolvedPath = Path.Combine(runFolder, "resolved.json");
        if (!File.Exists(resolvedPath)) throw new FileNotFoundException($"{runFolder}: not a run folder (no resolved.json)");
        var ckpt = File.Exists(checkpoint) ? checkpoint : Path.Combine(runFolder, "checkpoints", checkpoint + ".safetensors");
        if (!File.Exists(ckpt)) throw new FileNotFoundException($"{ckpt}: no such checkpoint");
        var run = ExperimentLoader.Load(resolvedPath, overrides ?? [], registry).Runs[0];
        ValidateCheckpoint(ckpt, run.Options);
        var session = SessionBuilder.Build(run.Options, run.ResolvedJson, registry, settings.DataRoot, run.KeySources);
        RunFolder? folder = null;
        try
        {
            Checkpoint.Load(session, ckpt);
            Attach(session);
            folder = RunFolder.Open(runFolder, ConsoleLevel);
            AttachTensorBoard(session, folder);
            if (overrides is { Count: > 0 })
                folder.Log.Information("Evaluating {Checkpoint} with overrides {Overrides}", ckpt, string.Join(" ", overrides));
            WarnIfUnscored(session, folder);
            return (session, folder);
        }
        catch
        {
            session.Dispose();
            folder?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Loads the feature extractor of every run of <paramref name="runs"/> once (each distinct file), so a bad
    /// <c>evaluation.features</c> in a later variant stops the experiment before the first one trains.
    /// </summary>
    /// <exception cref="ConfigException">Naming <c>evaluation.features.path</c> and the file.</exception>
    public static void CheckFeatureExtractors(IEnumerable<ResolvedRun> runs)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var run in runs)
        {
            var f = run.Options.Evaluation.Features;
            if (!f.Enabled || !seen.Add($"{f.Type}|{Path.GetFullPath(f.Path)}|{f.Quantize}")) continue;
            using var extractor = ImageScoring.LoadExtractor(f, run.KeySources);
        }
    }

    // Reads and checks the whole checkpoint (Checkpoint.Validate) before a session is built: a corrupt one is refused with
    // nothing built and nothing written. Checkpoint.Load checks it again against the built session before copying anything.
    private static void ValidateCheckpoint(string path, Core.Experiments.ExperimentOptions options)
    {
        Core.Runtime.TorchRuntime.Initialize(options.Deterministic, options.Threads > 0 ? options.Threads : null);
        using var _ = Checkpoint.Validate(path, CheckpointExpectations.For(Core.Runtime.DeviceSpec.Resolve(options.Device)));
    }

    // The checkpoint a resume of the folder loads (CheckpointFiles.ResumeSource), or null to start from step 0, which is
    // allowed only when nothing records training yet (or the caller owns that history). Writes nothing.
    private static string? FindResumeSource(RunFolder folder, bool restartWithoutCheckpoint)
    {
        var source = CheckpointFiles.ResumeSource(folder.Checkpoints);
        if (source is not null || restartWithoutCheckpoint) return source;
        long trained = folder.LastLoggedStep();
        if (trained > 0)
            throw new InvalidDataException(
                $"{folder.Path}: nothing to resume from: no {CheckpointFiles.LatestName} and no kept step-*.safetensors in {folder.Checkpoints}, "
                + $"but metrics.jsonl records training up to step {trained}. Refusing to train again from step 0 over the run's history; "
                + $"put its checkpoint back as checkpoints/{CheckpointFiles.LatestName}, or train into a new run folder.");
        return null;
    }

    // Loads the resume source into a freshly built session (none: step 0), then rewinds metrics.jsonl to its step.
    private static void ResumeFrom(TrainingSession session, RunFolder folder, string? source)
    {
        if (source is not null)
        {
            bool latest = Path.GetFileName(source) == CheckpointFiles.LatestName;
            if (!latest)
                folder.Log.Warning("{Latest} is missing: resuming from {Kept}, the newest kept checkpoint", Path.Combine(folder.Checkpoints, CheckpointFiles.LatestName), source);
            Checkpoint.Load(session, source);
            folder.Log.Information("Resumed from {Checkpoint} at step {Step}", source, session.Step);
            // Killed between writing latest and its kept copy: the copy is made now (it is the same state).
            long keep = session.Options.Training.KeepCheckpointEvery;
            if (latest && keep > 0 && session.Step > 0 && session.Step % keep == 0
                && !File.Exists(Path.Combine(folder.Checkpoints, CheckpointFiles.KeptName(session.Step))))
                CheckpointFiles.Keep(folder.Checkpoints, session.Step, folder.Log);
        }
        else folder.Log.Warning("No checkpoint in {Folder} yet: training starts from step 0", folder.Checkpoints);
        // The steps after the checkpoint are trained again and logged again: their first lines go.
        int dropped = folder.RewindMetrics(session.Step);
        if (dropped > 0) folder.Log.Information("Dropped {Count} metrics.jsonl line(s) after step {Step}: they are logged again", dropped, session.Step);
    }

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    // One event file per opened run (training, or a later evaluation of it); the folder disposes it. TensorBoard is a
    // view, never a reason to stop a run: if its file cannot be created (full disk, read-only folder) the run goes on
    // without it, and the failure that matters (checkpoint, configuration) is reported where it happens.
    private static void AttachTensorBoard(TrainingSession session, RunFolder folder)
    {
        if (!session.Options.Training.Tensorboard) return;
        TensorBoard.TensorBoardObserver observer;
        try
        {
            observer = TensorBoard.TensorBoardObserver.Create(folder.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            folder.Log.Warning("TensorBoard events disabled: {Message}", e.Message);
            return;
        }
        folder.AddObserver(observer);
        folder.Log.Debug("TensorBoard events: {File}", observer.EventFile);
    }

    // Image runs without an extractor are still sampled, timed and drawn; say once, up front, that they get no metrics.
    private static void WarnIfUnscored(TrainingSession session, RunFolder folder)
    {
        if (SampleEvaluator.IsImageData(session.Data) && session.ImageEvaluator is null && session.Options.Sampling.Count > 0)
            folder.Log.Warning("evaluation.features is not set: image samples get a grid and timing only, no FID/KID/precision/recall " +
                               "(set evaluation.features.type = cnn|inception and .path, see docs/metrics.md)");
    }

    /// <summary>Trains and evaluates every run of <paramref name="experiment"/>, then writes and prints the table.</summary>
    /// <remarks>
    /// Every run's data files (<see cref="DataPreflight"/>) and feature extractor are checked before anything is created; a
    /// session that still fails to build leaves no empty experiment folder behind.
    /// </remarks>
    public ResultsTable Run(LoadedExperiment experiment)
    {
        DataPreflight.Check(experiment.Runs, registry, settings.DataRoot);
        CheckFeatureExtractors(experiment.Runs);
        string parent = NewExperimentFolder(experiment);
        Directory.CreateDirectory(parent);
        var rows = new List<ResultRow>();
        try
        {
            foreach (var run in experiment.Runs)
                rows.AddRange(TrainThen(run, (session, folder) => SampleEvaluator.EvaluateAll(session, folder, run.Method, reuseFinished: true),
                    parent));
        }
        catch
        {
            // Nothing trained yet (the first session failed to build): leave no empty folder behind.
            if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any()) Directory.Delete(parent);
            throw;
        }
        return WriteTable(parent, rows, output);
    }

    /// <summary>
    /// Builds the comparison table of <paramref name="rows"/>, writes <c>table.md</c> and <c>table.csv</c> into the
    /// experiment folder <paramref name="parent"/>, and prints it with a warning per diverged row.
    /// </summary>
    public static ResultsTable WriteTable(string parent, IReadOnlyList<ResultRow> rows, TextWriter output)
    {
        var table = ComparisonTable.Build(rows);
        table.WriteMarkdown(Path.Combine(parent, "table.md"));
        table.WriteCsv(Path.Combine(parent, "table.csv"));
        output.WriteLine();
        output.WriteLine(table.ToText());
        output.WriteLine($"Table written to {Path.Combine(parent, "table.md")} and table.csv");
        foreach (var row in ComparisonTable.Diverged(rows))
            output.WriteLine($"warning: diverged: {row}: non-finite values, recorded as null (non_finite) in metrics.jsonl");
        return table;
    }

    /// <summary>
    /// The experiment folder a run of <paramref name="experiment"/> writes into (new, not created yet):
    /// <c>&lt;runs-dir&gt;/&lt;utc&gt;-&lt;experiment name&gt;</c>, each variant's run folder below it.
    /// </summary>
    public string NewExperimentFolder(LoadedExperiment experiment)
    {
        var first = experiment.Runs[0];
        string baseName = first.Variant is null ? first.Name : first.Name[..^(first.Variant.Length + 1)];
        return RunFolder.NewFolderPath(settings.RunsDir, baseName);
    }

    private LogEventLevel ConsoleLevel => settings.ConsoleLevel;
}
