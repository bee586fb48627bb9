using System.CommandLine;
using Research.Core.Configuration;

namespace Research.Cli.Commands;

/// <summary><c>research validate</c>: loads and checks an experiment file without creating any tensor or file.</summary>
public static class ValidateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var experiment = CommonOptions.Experiment();
        var set = CommonOptions.Set();
        var print = new Option<bool>("--print") { Description = "Print the resolved configuration (defaults filled) of every run" };
        var dataRoot = CommonOptions.DataRoot();
        var variant = CommonOptions.Variant();
        variant.Description = "Check only this variant of the experiment (repeatable; default: every variant)";
        var cmd = new Command("validate", "Check an experiment file (extends chain, --set overrides, every key and value, the headers of its data " +
                                          "files, that training.init files exist); exit 2 on any problem") { experiment, set, variant, print, dataRoot };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            using var services = Services.Build(p.GetValue(experiment)!);
            var variants = p.GetValue(variant) ?? [];
            var loaded = ExperimentLoader.Load(p.GetValue(experiment)!, p.GetValue(set) ?? [], services.Registry(), variants);
            // The data files' headers (image sizes, idx dimensions, class folders), as 'research run' checks them; data not
            // fetched yet is a note here, an error for a run.
            var notes = new List<string>();
            DataPreflight.Check(loaded.Runs, services.Registry(), p.GetValue(dataRoot)!, missingIsError: false, notes);
            // training.init files exist (their contents are checked by 'research run', which reads them before building).
            foreach (var run in loaded.Runs) Training.Runs.NetworkInitializer.CheckFilesExist(run.Options.Training.Init, run.KeySources);
            stdout.WriteLine($"OK: {loaded.SourcePath}: {loaded.Runs.Count} run(s)");
            foreach (var run in loaded.Runs)
            {
                var o = run.Options;
                stdout.WriteLine($"  {run.Name}: {o.Parameterization.Type} on {o.Data.Type} with {o.Backbone.Type}, schedule {o.Schedule.Type} T={o.Schedule.NumTimesteps}, " +
                                 $"{o.Training.Steps} steps × batch {o.Training.BatchSize}, {o.Sampling.Count} sampling request(s)");
                if (p.GetValue(print)) stdout.WriteLine(run.ResolvedJson);
            }
            foreach (var note in notes.Distinct()) stdout.WriteLine($"  note: not checked, data missing: {note}");
            // A sweep is validated point by point, as 'research sweep' would run it.
            var plan = SweepLoader.Load(p.GetValue(experiment)!, p.GetValue(set) ?? [], services.Registry(), variants);
            if (plan.SweptKeys.Count > 0 || plan.HasSeeds)
                stdout.WriteLine($"  sweep {plan.Name}: {plan.Points.Count} point(s) over {string.Join(", ", plan.SweptKeys.Append(plan.HasSeeds ? "seeds" : "").Where(k => k.Length > 0))}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
