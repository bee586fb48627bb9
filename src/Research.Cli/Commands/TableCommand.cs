using System.CommandLine;
using Research.Evaluation.Reports;
using Research.Training.Benchmarks;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research table</c>: tabulates finished, evaluated run folders in a paper's layout as Markdown (and CSV with
/// <c>--out</c>). Reads each run's <c>metrics.jsonl</c> evaluation lines.
/// </summary>
public static class TableCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var runs = Runs();
        var layout = new Option<string>("--layout")
        {
            Description = "ddgan-table1 (method, IS, FID, recall, NFE, time) | ablation (variant × every metric) | trilemma (quality, coverage, time)",
            DefaultValueFactory = _ => "trilemma",
        };
        layout.AcceptOnlyFromAmong("ddgan-table1", "ablation", "trilemma");
        var output = new Option<string?>("--out") { Description = "Write Markdown here and CSV beside it (same name, .csv); default: print Markdown" };
        var meanOverSeeds = new Option<bool>("--mean-over-seeds")
        {
            Description = "One row per sweep variant and sampling request: mean ± sd over its seeds (point ids variant_…_seed=N), with a Seeds column",
        };
        var seedFilter = new Option<long[]>("--seed")
        {
            Description = "Only runs with this seed (run.json); repeat for several, e.g. the held-out seeds --seed 1 --seed 2 --seed 3",
        };
        var timing = Timing();
        var cmd = new Command("table", "Tabulate evaluated run folders in a paper's layout (Markdown + CSV)") { runs, layout, output, meanOverSeeds, seedFilter, timing };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            var timings = p.GetValue(timing) is { } bench ? BenchTimings.Read(bench) : null;
            var results = WithTiming(FilterSeeds(Read(p.GetValue(runs)!, stderr), p.GetValue(seedFilter) ?? [], stderr), timings, stderr);
            var table = PaperTables.Build(PaperTables.ParseLayout(p.GetValue(layout)!), results, p.GetValue(meanOverSeeds));
            if (timings is not null)
                table.AddFootnote($"Sampling times from {Path.GetFileName(timings.Path)} ('research bench --all-requests': one process, every request " +
                                  $"back to back, {timings.SamplesPerCall} samples a call), not the times measured during each evaluation.");
            if (p.GetValue(output) is { } md)
            {
                var csv = Path.ChangeExtension(md, ".csv");
                table.WriteMarkdown(md);
                table.WriteCsv(csv);
                stdout.WriteLine(table.ToText());
                stdout.WriteLine($"Table written to {Path.GetFullPath(md)} and {Path.GetFullPath(csv)}");
            }
            else
            {
                stdout.Write(table.ToMarkdown());
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    /// <summary>The results whose run has one of <paramref name="seeds"/> (all when none is given); none left is a usage error.</summary>
    internal static IReadOnlyList<RunResult> FilterSeeds(IReadOnlyList<RunResult> results, IReadOnlyCollection<long> seeds, TextWriter stderr)
    {
        if (seeds.Count == 0) return results;
        foreach (var folder in results.Where(r => r.Seed is null).Select(r => r.RunFolder).Distinct())
            stderr.WriteLine($"warning: {folder}: no seed recorded in run.json or resolved.json; left out by --seed");
        var kept = results.Where(r => r.Seed is { } s && seeds.Contains(s)).ToList();
        if (kept.Count == 0)
            throw new UsageException($"No evaluated run has seed {string.Join(" or ", seeds)} (--seed).");
        return kept;
    }

    /// <summary>The <c>--timing</c> option shared with <c>research plot</c>.</summary>
    internal static Option<string?> Timing() => new("--timing")
    {
        Description = "Sampling times from this 'research bench --all-requests --json' report (one process, back to back) instead of the " +
                      "times measured during each evaluation; rows it does not time get none",
    };

    /// <summary><paramref name="results"/> with their sampling times from <paramref name="timings"/> (none: unchanged).</summary>
    internal static IReadOnlyList<RunResult> WithTiming(IReadOnlyList<RunResult> results, BenchTimings? timings, TextWriter stderr) =>
        timings is null ? results : timings.Apply(results, message => stderr.WriteLine($"warning: {message}"));

    /// <summary>The run-folder arguments shared with <c>research plot</c>.</summary>
    internal static Argument<string[]> Runs() => new("runs")
    {
        Description = "Run folders, or folders holding run folders (an experiment's folder, runs/)",
        Arity = ArgumentArity.OneOrMore,
    };

    /// <summary>Every evaluation under <paramref name="paths"/>; warns about runs without one; none at all is a usage error.</summary>
    internal static IReadOnlyList<RunResult> Read(IEnumerable<string> paths, TextWriter stderr)
    {
        var results = new List<RunResult>();
        foreach (var folder in RunResultsReader.FindRunFolders(paths))
        {
            var found = RunResultsReader.Read(folder, message => stderr.WriteLine($"warning: {message}"));
            if (found.Count == 0) stderr.WriteLine($"warning: {folder}: no evaluation lines in metrics.jsonl (not evaluated yet?)");
            results.AddRange(found);
        }
        if (results.Count == 0) throw new UsageException("None of the run folders has been evaluated (run 'research eval <run-folder>' first).");
        return results;
    }
}
