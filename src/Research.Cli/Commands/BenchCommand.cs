using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Research.Core.Configuration;
using Research.Training.Benchmarks;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research bench</c>: training steps/s, framework overhead, sampling cost per sample and per NFE, sampler overhead,
/// DDGAN-over-DDPM ratio, fp32 versus bf16, peak RSS — or, with <c>--soak</c>, the RSS and live-tensor soak — in one process.
/// Prints Markdown; writes files only when asked (<c>--output</c> Markdown, <c>--json</c> JSON).
/// </summary>
public static class BenchCommand
{
    /// <summary>Folder of the built-in suite, relative to the repository root.</summary>
    public const string SuiteFolder = "benchmarks/suite";

    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var experiments = new Argument<string[]>("experiment")
        {
            Description = $"Experiment files to benchmark, each run (variant) once (default: every file in {SuiteFolder}/)",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var set = CommonOptions.Set();
        var dataRoot = CommonOptions.DataRoot();
        var quick = new Option<bool>("--quick") { Description = "Short windows and one sampling repeat: the built-in suite in a few minutes" };
        var soak = new Option<bool>("--soak") { Description = "Memory soak instead of speed: 5,000 steps per 2-D run, 500 per image run (--quick: a tenth)" };
        var json = new Option<string?>("--json") { Description = "Also write the report as JSON (snake_case keys, every timing window) to this file" };
        var output = new Option<string?>("--output") { Description = "Also write the Markdown report to this file" };
        var precision = new Option<string[]>("--precision")
        {
            Description = "Families whose runs also get the fp32-versus-bf16 step comparison (repeatable; default: ddpm-eps)",
            Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false,
        };
        var only = new Option<string[]>("--only")
        {
            Description = "Benchmark only runs whose name contains this text (repeatable)", Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var allRequests = new Option<bool>("--all-requests")
        {
            Description = "Time every sampling request of each run (default: its first): the speed column 'research table --timing' reads",
        };
        var ratio = new Option<string[]>("--ratio")
        {
            Description = "The DDPM/DDGAN per-sample ratio only for DDGAN runs whose name contains this text (repeatable; default: every DDGAN run)",
            Arity = ArgumentArity.ZeroOrMore, AllowMultipleArgumentsPerToken = false,
        };
        var cmd = new Command("bench", "Measure training and sampling speed (or memory with --soak) of every family and backbone in one process")
            { experiments, set, dataRoot, quick, soak, json, output, only, precision, allRequests, ratio };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            var files = p.GetValue(experiments) is { Length: > 0 } given ? given : DefaultSuite();
            var sets = p.GetValue(set) ?? [];
            var filters = p.GetValue(only) ?? [];
            // Load and validate every file before any tensor exists (a bad file exits 2 and nothing runs). Each file keeps its
            // own registry (its plugins) until the end: the ratio pairs runs of different files.
            var plans = new List<(ServiceProvider Services, IReadOnlyList<ResolvedRun> Runs)>();
            try
            {
                foreach (var file in files)
                {
                    var services = Services.Build(file);
                    plans.Add((services, []));
                    var runs = ExperimentLoader.Load(file, sets, services.Registry()).Runs
                        .Where(r => filters.Length == 0 || filters.Any(f => r.Name.Contains(f, StringComparison.Ordinal))).ToList();
                    plans[^1] = (services, runs);
                }
                if (plans.All(pl => pl.Runs.Count == 0))
                    throw new UsageException($"--only {string.Join(" ", filters)}: no run of {string.Join(", ", files)} matches");

                var precisionFamilies = p.GetValue(precision) is { Length: > 0 } families ? families : new BenchSettings().PrecisionFamilies;
                var settings = new BenchSettings
                {
                    Quick = p.GetValue(quick), Soak = p.GetValue(soak), PrecisionFamilies = precisionFamilies,
                    AllRequests = p.GetValue(allRequests), RatioRuns = p.GetValue(ratio) ?? [],
                };
                var root = p.GetValue(dataRoot)!;
                void Log(string line) => stderr.WriteLine(line);
                BenchReport? report = null;
                foreach (var (services, runs) in plans.Where(pl => pl.Runs.Count > 0))
                {
                    var runner = new BenchRunner(services.Registry(), settings, root, Log);
                    report ??= runner.NewReport();
                    runner.Run(runs, report);
                }
                if (!settings.Soak)
                {
                    BenchRunner.MeasureGemm(settings, Log, report!);
                    BenchRunner.MeasureRatios(plans.SelectMany(pl => pl.Runs.Select(r => (r, pl.Services.Registry()))).ToList(), root, settings, Log, report!);
                }
                BenchRunner.Finish(report!);
                return Report(report!, p.GetValue(output), p.GetValue(json), stdout, stderr);
            }
            finally
            {
                foreach (var (services, _) in plans) services.Dispose();
            }
        }));
        return cmd;
    }

    private static int Report(BenchReport report, string? output, string? json, TextWriter stdout, TextWriter stderr)
    {
        var markdown = report.ToMarkdown();
        stdout.WriteLine(markdown);
        if (output is not null)
        {
            Core.IO.AtomicFile.WriteAllText(output, markdown);
            stderr.WriteLine($"Markdown report written to {output}");
        }
        if (json is not null)
        {
            Core.IO.AtomicFile.WriteAllText(json, report.ToJson());
            stderr.WriteLine($"JSON report written to {json}");
        }
        if (report.Soak.FirstOrDefault(r => !r.Passed) is { } failed)
        {
            stderr.WriteLine($"error: soak target missed by {failed.Run}: max RSS deviation {failed.MaxDeviationPct:F2} % " +
                             $"(target ±{failed.TolerancePct:F0} %), live tensors {failed.LiveTensors.Min()}–{failed.LiveTensors.Max()}");
            return ExitCodes.Failure;
        }
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The JSON files of <see cref="SuiteFolder"/> in the first folder above the working directory, or above the executable,
    /// that has one.
    /// </summary>
    public static string[] DefaultSuite()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
            {
                var suite = Path.Combine(d.FullName, SuiteFolder);
                if (Directory.Exists(suite)) return Directory.GetFiles(suite, "*.json").Order(StringComparer.Ordinal).ToArray();
            }
        throw new UsageException($"no experiment file given and no {SuiteFolder}/ folder above the working directory or the executable: " +
                                 "run from the repository or name experiment files");
    }
}
