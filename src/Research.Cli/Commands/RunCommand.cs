using System.CommandLine;
using Research.Cli.Sweeps;
using Research.Core.Configuration;
using Research.Core.Registry;
using Research.Training.Experiments;
using Research.Training.Progress;

namespace Research.Cli.Commands;

/// <summary><c>research run</c>: train every run of an experiment, sample, evaluate, print and write the table.</summary>
public static class RunCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var experiment = CommonOptions.Experiment();
        var set = CommonOptions.Set();
        var runsDir = CommonOptions.RunsDir();
        var dataRoot = CommonOptions.DataRoot();
        var variant = CommonOptions.Variant();
        var workers = new Option<int>("--workers")
        {
            Description = "Runs (variants) trained at once, each in its own process with its log in <experiment folder>/logs; " +
                          "1 (default): one after another in this process, logging to the console",
            DefaultValueFactory = _ => 1,
        };
        var cmd = new Command("run", "Train, sample and evaluate every run (variant) of an experiment and print the comparison table")
            { experiment, set, variant, runsDir, dataRoot, workers };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            if (p.GetValue(workers) < 1) throw new UsageException("--workers must be at least 1");
            using var services = Services.Build(p.GetValue(experiment)!);
            var registry = services.Registry();
            var loaded = ExperimentLoader.Load(p.GetValue(experiment)!, p.GetValue(set) ?? [], registry, p.GetValue(variant) ?? []);
            var settings = Settings(p.GetValue(runsDir)!, p.GetValue(dataRoot)!, p, p.GetValue(experiment));
            var runner = new ExperimentRunner(registry, settings, stdout);
            if (p.GetValue(workers) == 1 || loaded.Runs.Count == 1)
            {
                runner.Run(loaded);
                return ExitCodes.Ok;
            }
            return RunInWorkers(runner, loaded, registry, settings, p.GetValue(workers), stdout, stderr);
        }));
        return cmd;
    }

    /// <summary>
    /// <c>--workers N</c>: the runs of <paramref name="loaded"/> as child <c>research run-point</c> processes, N at a
    /// time (the sweep's local launcher), into the same experiment-folder layout as a sequential run; then the same
    /// table from their results. Each run trains exactly as it would alone (its own generators and threads setting).
    /// </summary>
    private static int RunInWorkers(ExperimentRunner runner, LoadedExperiment loaded, ComponentRegistry registry, RunnerSettings settings,
        int workers, TextWriter stdout, TextWriter stderr)
    {
        DataPreflight.Check(loaded.Runs, registry, settings.DataRoot);
        ExperimentRunner.CheckFeatureExtractors(loaded.Runs);
        var parent = runner.NewExperimentFolder(loaded);
        var ids = loaded.Runs.Select(r => r.Variant ?? r.Name).ToList();
        var jobs = loaded.Runs.Zip(ids, (run, id) => SweepJob.Write(parent, id, run.ResolvedJson, settings.DataRoot)).ToList();
        stdout.WriteLine($"Experiment folder {parent}: {jobs.Count} runs, {Math.Min(workers, jobs.Count)} at a time (logs in {Path.Combine(parent, "logs")})");
        var launcher = new LocalSweepLauncher(workers)
        {
            Progress = ProgressDisplays.Create(ConsoleOptions.Progress, warmupUnits: 0), Interruption = ConsoleOptions.Interruption,
            ProgressLabel = $"run {Path.GetFileName(parent)} (runs)",
        };
        var launched = launcher.Launch(jobs, parent, line => StatusConsole.WriteLine(stdout, line));
        var rows = new List<ResultRow>();
        foreach (var (run, id) in loaded.Runs.Zip(ids))
            if (SweepPointResult.TryRead(Path.Combine(parent, id)) is { } result)
                rows.AddRange(result.ToResultRows(run.Method));
        if (rows.Count > 0) ExperimentRunner.WriteTable(parent, rows, stdout);
        if (launched.Failed.Count == 0) return ExitCodes.Ok;
        stderr.WriteLine($"error: {launched.Failed.Count} run(s) failed: {string.Join(", ", launched.Failed.Select(f => Path.Combine(parent, "logs", f + ".log")))}");
        return ExitCodes.Failure;
    }

    /// <summary>
    /// Runner settings: progress on stderr (a live bar when it is a terminal, plain lines otherwise, none with <c>-q</c>),
    /// the console log level of <c>-v</c> / <c>-q</c>, and Ctrl-C handling (<see cref="ConsoleOptions"/>). A command that trains passes its parse result
    /// and experiment file, which each run's <c>run.json</c> records (the command line with every <c>--set</c>).
    /// </summary>
    public static RunnerSettings Settings(string runsDir, string dataRoot, ParseResult? invocation = null, string? experimentFile = null) => new()
    {
        RunsDir = runsDir, DataRoot = dataRoot,
        NewProgress = () => ProgressDisplays.Create(ConsoleOptions.Progress), ConsoleLevel = ConsoleOptions.ConsoleLevel, Interruption = ConsoleOptions.Interruption,
        CommandLine = invocation is null ? Environment.GetCommandLineArgs() : ["research", .. invocation.Tokens.Select(t => t.Value)],
        ExperimentFile = experimentFile,
    };
}
