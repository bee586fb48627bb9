using System.CommandLine;
using Research.Evaluation.Reports;

namespace Research.Cli.Commands;

/// <summary><c>research plot</c>: the trilemma figure (quality vs log sampling time, marker size = coverage) as a PNG.</summary>
public static class PlotCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var runs = TableCommand.Runs();
        var output = new Option<string>("--out") { Description = "PNG file to write, e.g. trilemma.png", Required = true };
        var title = new Option<string?>("--title") { Description = "Figure title (default: the generative trilemma)" };
        var width = new Option<int>("--width") { Description = "Width in pixels", DefaultValueFactory = _ => new TrilemmaPlotOptions().WidthPixels };
        var height = new Option<int>("--height") { Description = "Height in pixels", DefaultValueFactory = _ => new TrilemmaPlotOptions().HeightPixels };
        var meanOverSeeds = new Option<bool>("--mean-over-seeds")
        {
            Description = "One point per sweep variant and sampling request at the mean over its seeds, with a ± sd bar on quality",
        };
        var seedFilter = new Option<long[]>("--seed") { Description = "Only runs with this seed (run.json); repeat for several" };
        var timing = TableCommand.Timing();
        var cmd = new Command("plot", "Plot the trilemma of evaluated run folders: quality vs sampling time (log), marker size = recall / modes covered")
            { runs, output, title, width, height, meanOverSeeds, seedFilter, timing };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            var options = new TrilemmaPlotOptions { Title = p.GetValue(title), WidthPixels = p.GetValue(width), HeightPixels = p.GetValue(height) };
            if (options.Validate().FirstOrDefault() is { } problem) throw new UsageException(problem);
            var timings = p.GetValue(timing) is { } bench ? Training.Benchmarks.BenchTimings.Read(bench) : null;
            var results = TableCommand.WithTiming(
                TableCommand.FilterSeeds(TableCommand.Read(p.GetValue(runs)!, stderr), p.GetValue(seedFilter) ?? [], stderr), timings, stderr);
            string written;
            try
            {
                written = TrilemmaPlot.Write(p.GetValue(output)!, results, options, p.GetValue(meanOverSeeds));
            }
            catch (ArgumentException e)
            {
                throw new UsageException(e.Message);
            }
            stdout.WriteLine($"Trilemma plot of {results.Count} evaluation{(results.Count == 1 ? "" : "s")} written to {written}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
