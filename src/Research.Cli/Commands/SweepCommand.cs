using System.CommandLine;
using Research.Cli.Sweeps;
using Research.Core.Configuration;
using Research.Training.Experiments;
using Research.Training.Progress;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research sweep</c>: expands the experiment's <c>sweep</c> × <c>variants</c>, validates every point, runs
/// the unfinished ones into <c>&lt;runs-dir&gt;/&lt;sweep&gt;/&lt;point&gt;/</c> through a launcher (local worker
/// processes, or a Slurm job array), and writes <c>results.csv</c> and <c>table.md</c>. Re-running skips points
/// with <c>done.json</c> and resumes the rest; <c>--restore-from</c> first takes back points finished on another machine from
/// their committed small files (<see cref="SweepRestore"/>).
/// </summary>
public static class SweepCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var experiment = CommonOptions.Experiment();
        var set = CommonOptions.Set();
        var runsDir = CommonOptions.RunsDir();
        var dataRoot = CommonOptions.DataRoot();
        var variant = CommonOptions.Variant();
        variant.Description = "Sweep only this variant (repeatable; default: every variant); its points cross the sweep as usual, " +
                              "and a later run without --variant adds the other variants' points to the same sweep folder";
        var restoreFrom = new Option<string?>("--restore-from")
        {
            Description = "A folder of committed small files ('research collect runs/<sweep> --out <folder>'): a point absent here whose " +
                          "record there is complete (completed, same configuration, every evaluation at the final step) is restored " +
                          "as finished (its numbers, not its weights) instead of trained again",
        };
        var launchers = new SweepLauncherOptions();
        var cmd = new Command("sweep", "Run every point of an experiment's sweep (resumable) and write results.csv and table.md")
            { experiment, set, variant, runsDir, dataRoot, restoreFrom };
        launchers.AddTo(cmd);
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            var launcher = launchers.Create(p);
            var path = p.GetValue(experiment)!;
            using var services = Services.Build(path);
            var plan = SweepLoader.Load(path, p.GetValue(set) ?? [], services.Registry(), p.GetValue(variant) ?? []);
            // The data files' headers, before any point folder exists (data absent here may exist where the points run: a note).
            var notes = new List<string>();
            DataPreflight.Check(plan.Points.Select(pt => pt.Run), services.Registry(), p.GetValue(dataRoot)!, missingIsError: false, notes);
            foreach (var note in notes.Distinct()) stdout.WriteLine($"note: data not found here: {note}");
            launcher.CheckAvailable();
            var folder = Path.GetFullPath(Path.Combine(p.GetValue(runsDir)!, plan.Name));
            stdout.WriteLine($"Sweep {plan.Name}: {plan.Points.Count} points in {folder}");
            if (p.GetValue(restoreFrom) is { } source)
            {
                if (!Directory.Exists(Path.Combine(source, plan.Name)))
                    throw new UsageException($"--restore-from {source}: no folder {plan.Name}/ in it (the layout of " +
                                             $"'research collect runs/{plan.Name} --out {source}'); nothing written");
                Directory.CreateDirectory(folder);
                SweepRestore.Restore(plan, folder, source, stdout.WriteLine);
            }
            var jobs = PendingJobs(plan, folder, Path.GetFullPath(p.GetValue(dataRoot)!), stdout.WriteLine);
            if (launcher is LocalSweepLauncher local)
                launcher = new LocalSweepLauncher(local.Workers)
                {
                    Progress = ProgressDisplays.Create(ConsoleOptions.Progress, warmupUnits: 0), Interruption = ConsoleOptions.Interruption,
                };
            var launched = launcher.Launch(jobs, folder, line => StatusConsole.WriteLine(stdout, line));   // above the points bar
            if (!launched.Finished) return ExitCodes.Ok;
            var results = plan.Points.Select(pt => (pt.Id, Result: SweepPointResult.TryRead(Path.Combine(folder, pt.Id))))
                .Where(r => r.Result is not null).ToDictionary(r => r.Id, r => r.Result!);
            var table = SweepTable.Write(plan, results, folder);
            stdout.WriteLine();
            stdout.WriteLine(table);
            stdout.WriteLine($"Results written to {Path.Combine(folder, "results.csv")} and table.md");
            if (launched.Failed.Count == 0) return ExitCodes.Ok;
            stderr.WriteLine($"error: {launched.Failed.Count} point(s) failed: {string.Join(", ", launched.Failed)}; re-run the same command to resume them");
            return ExitCodes.Failure;
        }));
        return cmd;
    }

    /// <summary>
    /// The points of <paramref name="plan"/> without <c>done.json</c>, in sweep order, each with its resolved JSON
    /// written to <c>&lt;folder&gt;/.points/&lt;point&gt;.json</c>; reports <c>skip &lt;point&gt; (done)</c> for the others.
    /// </summary>
    public static IReadOnlyList<SweepJob> PendingJobs(SweepPlan plan, string folder, string dataRoot, Action<string> report)
    {
        var jobs = new List<SweepJob>();
        foreach (var point in plan.Points)
        {
            if (SweepPointResult.TryRead(Path.Combine(folder, point.Id)) is not null)
            {
                report($"skip {point.Id} (done)");
                continue;
            }
            jobs.Add(SweepJob.Write(folder, point.Id, point.Run.ResolvedJson, dataRoot));
        }
        return jobs;
    }
}
