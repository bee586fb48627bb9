using System.Text.Json;
using Research.Core.IO;
using Research.Core.Runtime;
using Research.Evaluation.Reports;
using Research.Training.Loop;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Filters;

namespace Research.Training.Runs;

/// <summary>
/// One run's folder, <c>runs/&lt;utc&gt;-&lt;name&gt;/</c>: <c>resolved.json</c> (the merged configuration with
/// defaults), <c>run.json</c> (the program's commit, command line, seed, machine, status: <see cref="RunRecord"/>), <c>log.txt</c> (Serilog), <c>metrics.jsonl</c>,
/// <c>checkpoints/</c>, <c>samples/</c> and, with <c>training.tensorboard</c>, <c>tb/</c> (event files written by an attached
/// <see cref="IMetricsObserver"/>). Created only after the configuration validated.
/// </summary>
/// <remarks>
/// One writer at a time: a folder created, or opened with <see cref="OpenForWriting"/>, holds its <see cref="RunFolderLock"/>
/// until disposed. <see cref="Open"/> (evaluation, sampling) takes no lock; what a reader writes into the folder is safe
/// beside a writer and another reader (whole <c>metrics.jsonl</c> lines under a per-line lock, atomic sample and table files).
/// </remarks>
public sealed class RunFolder : IDisposable
{
    private readonly string _metricsPath;
    private readonly List<IMetricsObserver> _observers = [];
    private readonly RunFolderLock? _writer;

    private RunFolder(string path, Logger logger, RunFolderLock? writer)
    {
        Path = path;
        Log = logger;
        _writer = writer;
        _metricsPath = System.IO.Path.Combine(path, MetricsFile.FileName);
        using (MetricsFile.OpenExclusive(_metricsPath, FileMode.Append, FileAccess.Write)) { }   // unwritable → fail now
    }

    /// <summary>True when this process holds the folder's writer lock (it trains into the folder).</summary>
    public bool IsWriter => _writer is not null;

    /// <summary>Absolute path of the folder.</summary>
    public string Path { get; }

    /// <summary>The run's logger (console and <c>log.txt</c>).</summary>
    public Logger Log { get; }

    /// <summary><c>checkpoints/</c> inside the run.</summary>
    public string Checkpoints => Directory.CreateDirectory(System.IO.Path.Combine(Path, "checkpoints")).FullName;

    /// <summary><c>samples/</c> inside the run.</summary>
    public string Samples => Directory.CreateDirectory(System.IO.Path.Combine(Path, "samples")).FullName;

    /// <summary>Creates a new, uniquely named run folder and writes <c>resolved.json</c> and <c>run.json</c>.</summary>
    public static RunFolder Create(string runsRoot, string name, string resolvedJson, long seed, LogEventLevel consoleLevel = LogEventLevel.Information,
        string? method = null) =>
        CreateAt(NewFolderPath(runsRoot, name), resolvedJson, seed, consoleLevel, method);

    /// <summary>A fresh, not yet existing <c>&lt;runsRoot&gt;/&lt;utc&gt;-&lt;name&gt;</c> path.</summary>
    public static string NewFolderPath(string runsRoot, string name)
    {
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss");
        string path = System.IO.Path.GetFullPath(System.IO.Path.Combine(runsRoot, $"{stamp}-{name}"));
        for (int i = 2; Directory.Exists(path); i++)
            path = System.IO.Path.GetFullPath(System.IO.Path.Combine(runsRoot, $"{stamp}-{name}-{i}"));
        return path;
    }

    /// <summary>
    /// Creates the run folder at <paramref name="path"/> (must not exist yet) and writes its metadata; <paramref name="method"/>,
    /// the name of the run's result rows (<see cref="Core.Configuration.ResolvedRun.Method"/>), goes into <c>run.json</c>.
    /// </summary>
    public static RunFolder CreateAt(string path, string resolvedJson, long seed, LogEventLevel consoleLevel = LogEventLevel.Information,
        string? method = null)
    {
        if (Directory.Exists(path)) throw new IOException($"{path}: run folder exists already");
        try
        {
            Directory.CreateDirectory(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A runs folder below a regular file, on a read-only file system or without permission: bad input, nothing written.
            throw new DirectoryNotFoundException($"{path}: cannot create the run folder: {e.Message}", e);
        }
        AtomicFile.WriteAllText(System.IO.Path.Combine(path, "resolved.json"), resolvedJson);
        RunRecord.Create(path, System.IO.Path.GetFileName(path), seed, method);
        var folder = OpenForWriting(path, consoleLevel);   // a new, uniquely named folder: no one else knows it yet
        folder._recording = true;   // run.json describes this process
        return folder;
    }

    /// <summary>Opens an existing run folder to read it (sampling, evaluation); takes no lock.</summary>
    public static RunFolder Open(string path, LogEventLevel consoleLevel = LogEventLevel.Information) => OpenWith(path, consoleLevel, null);

    /// <summary>
    /// Opens an existing run folder to train into it (resume), holding its writer lock until disposed;
    /// <see cref="RunFolderBusyException"/> when another process holds it (nothing is written then).
    /// </summary>
    public static RunFolder OpenForWriting(string path, LogEventLevel consoleLevel = LogEventLevel.Information)
    {
        RequireRunFolder(path);
        var writer = RunFolderLock.Acquire(path);
        try
        {
            return OpenWith(path, consoleLevel, writer);
        }
        catch
        {
            writer.Dispose();
            throw;
        }
    }

    private static void RequireRunFolder(string path)
    {
        if (!File.Exists(System.IO.Path.Combine(path, "resolved.json")))
            throw new FileNotFoundException($"{path}: not a run folder (no resolved.json)");
    }

    private static RunFolder OpenWith(string path, LogEventLevel consoleLevel, RunFolderLock? writer)
    {
        RequireRunFolder(path);
        var logger = new LoggerConfiguration()
            .MinimumLevel.Debug()
            // Every console line goes to standard error (stdout holds results only), between redraws of a progress bar.
            .WriteTo.Logger(console => console.Filter.ByExcluding(Matching.WithProperty(FileOnly))   // the CLI reports fatal errors itself
                .WriteTo.Sink(Progress.StatusConsole.CreateLogSink("[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}"), consoleLevel))
            .WriteTo.File(System.IO.Path.Combine(path, "log.txt"), outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} [{Level:u3}] {Message:lj}{NewLine}{Exception}",
                shared: true)   // an eval of a run still training appends to the same log.txt
            .CreateLogger();
        try
        {
            return new RunFolder(System.IO.Path.GetFullPath(path), logger, writer);
        }
        catch
        {
            logger.Dispose();
            throw;
        }
    }

    /// <summary>Observers attached to this run (e.g. the TensorBoard writer), in attachment order.</summary>
    public IReadOnlyList<IMetricsObserver> Observers => _observers;

    /// <summary>Attaches <paramref name="observer"/>: it sees every later metrics line and picture, and is disposed with the run.</summary>
    public void AddObserver(IMetricsObserver observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _observers.Add(observer);
    }

    /// <summary>
    /// Appends one JSON object as a line to <c>metrics.jsonl</c> and passes it to the observers. Each line is one write
    /// under an exclusive lock on the file, so a <c>research eval</c> of a run that is still training (two processes
    /// appending to one file) cannot splice its lines into the trainer's; a line is written whole or not at all, and a torn
    /// last line left by an earlier failure is repaired first (<see cref="MetricsFile"/>). NaN and ±Inf values are written as
    /// <c>null</c> and named under <c>non_finite</c>; the observers get the values as they are.
    /// </summary>
    public void WriteMetrics(IReadOnlyDictionary<string, object> values)
    {
        WarnIfRepaired(MetricsFile.Append(_metricsPath, MetricsFile.Line(values)));
        Notify(o => o.OnMetrics(values));
    }

    private void WarnIfRepaired(TailRepair repair)
    {
        if (repair == TailRepair.Dropped)
            Log.Warning("{File}: its last line was cut short (no newline: a write interrupted by a full disk or a kill); dropped it", _metricsPath);
        else if (repair == TailRepair.NewlineAdded)
            Log.Warning("{File}: its last line had no newline; added it", _metricsPath);
    }

    /// <summary>The largest training or evaluation step <c>metrics.jsonl</c> records (0 when none).</summary>
    public long LastLoggedStep() => MetricsFile.LastStep(_metricsPath);

    /// <summary>
    /// Drops the <c>metrics.jsonl</c> lines of steps after <paramref name="step"/>: a run resumed from its checkpoint at that
    /// step trains and logs them again, so without this they would appear twice. Lines without a step, and lines that are
    /// not JSON objects, are kept as they are. The file is replaced atomically, under the same lock as
    /// <see cref="WriteMetrics"/>; a <c>metrics.jsonl</c> that is a link is left alone. A torn last line (no newline) is
    /// repaired or dropped as <see cref="WriteMetrics"/> would. Returns the number of whole lines dropped.
    /// </summary>
    public int RewindMetrics(long step)
    {
        // Only a regular file is rewritten: a link (to a device such as /dev/full, or elsewhere) is left as it is, and the
        // write errors, if any, come where they belong, at the next metrics line.
        var info = new FileInfo(_metricsPath);
        if (!info.Exists || info.LinkTarget is not null) return 0;
        using var gate = MetricsFile.OpenExclusive(_metricsPath, FileMode.Open, FileAccess.ReadWrite);   // no eval appends meanwhile
        WarnIfRepaired(MetricsFile.RepairTail(gate));
        var bytes = new byte[gate.Length];                                   // the size after the repair: never reads past it
        gate.Position = 0;
        gate.ReadExactly(bytes);
        var lines = System.Text.Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var kept = lines.Where(l => MetricsFile.StepOf(l) is not { } s || s <= step).ToList();
        if (kept.Count == lines.Length) return 0;
        AtomicFile.WriteAllText(_metricsPath, kept.Count == 0 ? "" : string.Join("\n", kept) + "\n");
        return lines.Length - kept.Count;
    }

    /// <summary>Passes a sample picture of request <paramref name="label"/> at <paramref name="step"/> to the observers (the PNG file is the caller's).</summary>
    public void WriteImage(string label, long step, EncodedImage image) => Notify(o => o.OnImage(label, step, image));

    // An observer that cannot write (disk full, folder removed) is dropped with a warning: metrics.jsonl is the record,
    // and a long training run must not die for its TensorBoard mirror.
    private void Notify(Action<IMetricsObserver> action)
    {
        for (int i = _observers.Count - 1; i >= 0; i--)   // backwards, so a dropped observer does not skip the next
        {
            try
            {
                action(_observers[i]);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.Warning("{Observer} stopped: {Message}", _observers[i].GetType().Name, e.Message);
                _observers[i].Dispose();
                _observers.RemoveAt(i);
            }
        }
    }

    // Log events with this property go to log.txt only.
    private const string FileOnly = "FileOnly";
    private readonly object _statusGate = new();
    private bool _ended;
    private bool _recording;   // run.json describes this process (it created the folder, or BeginRun)

    /// <summary>
    /// Records in <c>run.json</c> the process that trains this run from now on (<see cref="RunRecord.Start"/>). How it ends is
    /// recorded by <see cref="Complete"/>, <see cref="Fail"/> or <see cref="MarkInterrupted"/> (the runner's, when
    /// <see cref="Interruption"/> stopped the work at a signal).
    /// </summary>
    public void BeginRun(RunStart start, bool resumed)
    {
        RunRecord.Start(Path, start, resumed);
        _recording = true;
        Log.Information("{Program}; {Status} by: {CommandLine}", BuildInfo.Describe(), resumed ? "resumed" : "started", string.Join(" ", start.CommandLine));
        lock (_statusGate) _ended = false;
    }

    /// <summary>Records in <c>run.json</c> that the run ended normally.</summary>
    /// <remarks>The end methods write <c>run.json</c> only when it describes this process: the folder was created by it, or
    /// <see cref="BeginRun"/> was called. A resume refused before it began leaves the earlier record alone (the error still
    /// goes to <c>log.txt</c>).</remarks>
    public void Complete() => End(RunStatus.Completed, null, null);

    /// <summary>Records in <c>run.json</c> that <paramref name="error"/> stopped the run, and writes it, with its stack, to
    /// <c>log.txt</c> (not to the console: the command reports it).</summary>
    public void Fail(Exception error)
    {
        ArgumentNullException.ThrowIfNull(error);
        End(RunStatus.Failed, $"{error.GetType().Name}: {error.Message}", error);
    }

    /// <summary>Records in <c>run.json</c> and <c>log.txt</c> that <paramref name="signal"/> stopped the run.</summary>
    public void MarkInterrupted(string signal) => End(RunStatus.Interrupted, $"interrupted by {signal}", null);

    // The first end wins: a signal arriving while the run records its failure (or the reverse) changes nothing.
    private void End(RunStatus status, string? message, Exception? error)
    {
        lock (_statusGate)
        {
            if (_ended) return;
            _ended = true;
            try
            {
                if (_recording) RunRecord.End(Path, status, message);   // never onto an earlier process's record
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.ForContext(FileOnly, true).Warning("run.json not updated: {Message}", e.Message);
            }
            var log = Log.ForContext(FileOnly, true);
            if (status == RunStatus.Failed) log.Fatal(error, "Run failed: {Message}", message);
            else if (status == RunStatus.Interrupted) log.Warning("Run {Message}", message);
            else log.Information("Run completed");
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var o in _observers) o.Dispose();
        _observers.Clear();
        Log.Dispose();
        _writer?.Dispose();
    }
}
