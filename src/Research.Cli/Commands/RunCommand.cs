using System.CommandLine;
using Research.Core.Configuration;
using Research.Training.Experiments;

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
            var settings = Settings(p.GetValue(runsDir)!, p.GetValue(dataRoot)!);
            new ExperimentRunner(registry, settings, stdout).Run(loaded);
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>Runner settings; a live progress bar only when stdout is a terminal.</summary>
    public static RunnerSettings Settings(string runsDir, string dataRoot) => new()
    {
        RunsDir = runsDir, DataRoot = dataRoot,
        Interactive = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null,
    };
}
