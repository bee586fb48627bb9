using System.CommandLine;
using Research.Core.Configuration;
using Research.Training.Experiments;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research sweep</c>: expands the experiment's <c>sweep</c> × <c>variants</c>, validates every point, runs
/// the unfinished ones as worker processes into <c>&lt;runs-dir&gt;/&lt;sweep&gt;/&lt;point&gt;/</c>, and writes
/// <c>results.csv</c> and <c>table.md</c>. Re-running skips points with <c>done.json</c> and resumes the rest.
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
        var workers = new Option<int>("--workers") { Description = "Points run at once, each in its own process (default: 1)", DefaultValueFactory = _ => 1 };
        var cmd = new Command("sweep", "Run every point of an experiment's sweep (resumable) and write results.csv and table.md")
            { experiment, set, runsDir, dataRoot, workers };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            if (p.GetValue(workers) < 1) throw new UsageException("--workers must be at least 1");
            var path = p.GetValue(experiment)!;
            using var services = Services.Build(path);
            var plan = SweepLoader.Load(path, p.GetValue(set) ?? [], services.Registry());
            var folder = Path.GetFullPath(Path.Combine(p.GetValue(runsDir)!, plan.Name));
            var points = Path.Combine(folder, ".points");
            Directory.CreateDirectory(points);
            stdout.WriteLine($"Sweep {plan.Name}: {plan.Points.Count} points in {folder}");
            var jobs = new List<(string, string[])>();
            foreach (var point in plan.Points)
            {
                var dir = Path.Combine(folder, point.Id);
                if (SweepPointResult.TryRead(dir) is not null)
                {
                    stdout.WriteLine($"skip {point.Id} (done)");
                    continue;
                }
                var resolved = Path.Combine(points, point.Id + ".json");
                Core.IO.AtomicFile.WriteAllText(resolved, point.Run.ResolvedJson);
                jobs.Add((point.Id, ["run-point", resolved, "--folder", dir, "--data-root", Path.GetFullPath(p.GetValue(dataRoot)!),
                    "--parent-pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)]));
            }
            var failed = SweepWorkers.Run(jobs, p.GetValue(workers), Path.Combine(folder, "logs"), stdout.WriteLine);
            var results = plan.Points.Select(pt => (pt.Id, Result: SweepPointResult.TryRead(Path.Combine(folder, pt.Id))))
                .Where(r => r.Result is not null).ToDictionary(r => r.Id, r => r.Result!);
            var table = SweepTable.Write(plan, results, folder);
            stdout.WriteLine();
            stdout.WriteLine(table);
            stdout.WriteLine($"Results written to {Path.Combine(folder, "results.csv")} and table.md");
            if (failed.Count == 0) return ExitCodes.Ok;
            stderr.WriteLine($"error: {failed.Count} point(s) failed: {string.Join(", ", failed)}; re-run the same command to resume them");
            return ExitCodes.Failure;
        }));
        return cmd;
    }
}
