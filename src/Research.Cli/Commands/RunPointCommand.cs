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
        var parent = new Option<int?>("--parent-pid") { Description = "Exit when this process (the sweep) is gone" };
        var cmd = new Command("run-point", "Run one sweep point (used by 'research sweep')") { resolved, folder, dataRoot, parent };
        cmd.Hidden = true;
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            if (p.GetValue(parent) is { } pid) ExitWithParent(pid);
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
            var runner = new ExperimentRunner(registry, RunCommand.Settings(Path.GetDirectoryName(dir)!, p.GetValue(dataRoot)!, p, file), stdout);
            runner.TrainThen(run, (session, runFolder) =>
            {
                var result = SweepPointResult.From(id, SampleEvaluator.EvaluateAll(session, runFolder, run.Method, reuseFinished: true));
                result.Write(dir);
                return result;
            }, resume ? null : Path.GetDirectoryName(dir), resume ? dir : null,
                restartWithoutCheckpoint: true);   // a point killed before its first checkpoint starts again: its folder is the sweep's own
            stdout.WriteLine($"point {id}: done");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    // A sweep killed outright (SIGKILL) must not leave workers writing into point folders that a re-run will
    // resume: each worker exits once its parent is gone. Checkpoints and done.json are atomic, so exiting
    // at any moment leaves a resumable folder.
    private static void ExitWithParent(int pid)
    {
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(1000);
                try
                {
                    using var p = System.Diagnostics.Process.GetProcessById(pid);
                    if (!p.HasExited) continue;
                }
                catch (ArgumentException) { }
                Environment.Exit(ExitCodes.Failure);
            }
        }) { IsBackground = true, Name = "parent-watch" };
        thread.Start();
    }
}
