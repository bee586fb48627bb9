using System.CommandLine;
using Research.Core.Configuration;
using Research.Training.Experiments;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research run-point</c> (hidden): one sweep point in its own process, so a crash costs that point only.
/// Trains into <c>--folder</c> (resuming from its latest checkpoint when the folder exists), evaluates every
/// sampling request, then writes <c>done.json</c> last and atomically.
/// </summary>
public static class RunPointCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var resolved = new Argument<string>("resolved") { Description = "The point's resolved JSON" };
        var folder = new Option<string>("--folder") { Description = "The point's run folder", Required = true };
        var dataRoot = CommonOptions.DataRoot();
        var cmd = new Command("run-point", "Run one sweep point (used by 'research sweep')") { resolved, folder, dataRoot };
        cmd.Hidden = true;
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            var file = p.GetValue(resolved)!;
            var dir = Path.GetFullPath(p.GetValue(folder)!);
            using var services = Services.Build(file);
            var registry = services.Registry();
            var json = File.ReadAllText(file);
            var options = ExperimentLoader.LoadResolved(json, registry, file);
            var id = Path.GetFileName(dir);
            var run = new ResolvedRun(options.Name, id, options, json);
            var resume = File.Exists(Path.Combine(dir, "resolved.json"));
            if (!resume && Directory.Exists(dir)) Directory.Delete(dir, true); // killed before its metadata was written
            var runner = new ExperimentRunner(registry, RunCommand.Settings(Path.GetDirectoryName(dir)!, p.GetValue(dataRoot)!), stdout);
            var (session, runFolder) = runner.Train(run, resume ? null : Path.GetDirectoryName(dir), resume ? dir : null);
            using (session)
            using (runFolder)
                SweepPointResult.From(id, SampleEvaluator.EvaluateAll(session, runFolder, id)).Write(dir);
            stdout.WriteLine($"point {id}: done");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
