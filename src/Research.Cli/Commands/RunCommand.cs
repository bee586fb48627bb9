using System.CommandLine;
using Research.Core.Configuration;
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
        var cmd = new Command("run", "Train, sample and evaluate every run (variant) of an experiment and print the comparison table")
            { experiment, set, variant, runsDir, dataRoot };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            using var services = Services.Build(p.GetValue(experiment)!);
            var registry = services.Registry();
            var loaded = ExperimentLoader.Load(p.GetValue(experiment)!, p.GetValue(set) ?? [], registry, p.GetValue(variant) ?? []);
            var settings = Settings(p.GetValue(runsDir)!, p.GetValue(dataRoot)!, p, p.GetValue(experiment));
            new ExperimentRunner(registry, settings, stdout).Run(loaded);
            return ExitCodes.Ok;
        }));
        return cmd;
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
