using System.CommandLine;
using Research.Evaluation.Reports;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research collect</c>: copies the small files of finished runs (resolved.json, run.json, evaluation lines, sample
/// grids, the experiment's table) into a study folder, for committing beside its results.md (<see cref="RunArtefacts"/>).
/// Never overwrites a different file: any conflict exits 2 and nothing is written.
/// </summary>
public static class CollectCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var runs = TableCommand.Runs();
        var output = new Option<string>("--out") { Description = "Folder to copy into, e.g. experiments/<study>/runs", Required = true };
        var noImages = new Option<bool>("--no-images") { Description = "Leave out the sample pictures (samples/*.png)" };
        var includeUnevaluated = new Option<bool>("--include-unevaluated")
        {
            Description = "Also copy runs with no evaluation line yet (left out by default: a point still training carries no number)",
        };
        var cmd = new Command("collect", "Copy the small files of finished runs (config, run record, evaluation lines, grids, table) into a study folder")
            { runs, output, noImages, includeUnevaluated };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            var outDir = p.GetValue(output)!;
            var items = RunArtefacts.Plan(p.GetValue(runs)!, outDir, images: !p.GetValue(noImages), p.GetValue(includeUnevaluated),
                run => stderr.WriteLine($"skipped {run}: no evaluation line in metrics.jsonl yet (--include-unevaluated copies it)"));
            var conflicts = RunArtefacts.Conflicts(items);
            if (conflicts.Count > 0)
                throw new UsageException($"--out {outDir}: {conflicts.Count} file(s) exist with other contents, nothing written " +
                                         $"(first: {conflicts[0]}); collect into an empty folder or remove them first");
            int written = RunArtefacts.Write(items);
            stdout.WriteLine($"{written} file(s) written, {items.Count - written} already identical, under {Path.GetFullPath(outDir)}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
