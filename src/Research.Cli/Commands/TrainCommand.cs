using System.CommandLine;
using Research.Core.Configuration;
using Research.Training.Experiments;

namespace Research.Cli.Commands;

/// <summary><c>research train</c>: train the runs of an experiment, or resume one run folder; evaluates every <c>eval_every</c> steps (the last step included) but prints no table.</summary>
public static class TrainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var experiment = new Argument<string?>("experiment") { Description = "Experiment JSON file (omit with --resume)", Arity = ArgumentArity.ZeroOrOne };
        var set = CommonOptions.Set();
        var runsDir = CommonOptions.RunsDir();
        var dataRoot = CommonOptions.DataRoot();
        var variant = CommonOptions.Variant();
        var resume = new Option<string?>("--resume") { Description = "Continue the run in this folder from its latest checkpoint" };
        var cmd = new Command("train", "Train every run (variant) of an experiment; checkpoints and metrics go to its run folder")
            { experiment, set, variant, runsDir, dataRoot, resume };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            using var services = p.GetValue(resume) is { } r0 ? Services.Build(Path.Combine(r0, "resolved.json"))
                : p.GetValue(experiment) is { } f0 ? Services.Build(f0) : Services.Build();
            var registry = services.Registry();
            var settings = RunCommand.Settings(p.GetValue(runsDir)!, p.GetValue(dataRoot)!, p, p.GetValue(experiment));
            var runner = new ExperimentRunner(registry, settings, stdout);
            if (p.GetValue(resume) is { } folder)
            {
                if (p.GetValue(experiment) is not null)
                    throw new UsageException("--resume takes its configuration from the run folder: give no experiment file (--set may extend it, e.g. training.steps)");
                if (p.GetValue(variant) is { Length: > 0 })
                    throw new UsageException("--resume continues one run folder, which is one variant already: give no --variant");
                var resolvedPath = Path.Combine(folder, "resolved.json");
                if (!File.Exists(resolvedPath)) throw new FileNotFoundException($"{folder}: not a run folder (no resolved.json)");
                var loaded = ExperimentLoader.Load(resolvedPath, p.GetValue(set) ?? [], registry);
                runner.TrainThen(loaded.Runs[0], (session, run) => Report($"Trained to step {session.Step}: {run.Path}"), resumeFrom: folder,
                    evaluateLastStep: true);
                return ExitCodes.Ok;
            }
            var file = p.GetValue(experiment) ?? throw new UsageException("train needs an experiment file (or --resume <run-folder>)");
            var runs = ExperimentLoader.Load(file, p.GetValue(set) ?? [], registry, p.GetValue(variant) ?? []).Runs;
            ExperimentRunner.CheckFeatureExtractors(runs);
            foreach (var r in runs)
            {
                runner.TrainThen(r, (session, run) => Report($"Trained {r.Name} to step {session.Step}: {run.Path}"), evaluateLastStep: true);
            }
            return ExitCodes.Ok;
        }));
        return cmd;

        bool Report(string line)
        {
            stdout.WriteLine(line);
            return true;
        }
    }
}
