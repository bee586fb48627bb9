using Research.Core.Configuration;
using Research.Core.Registry;
using Research.Evaluation.Tables;
using Research.Training.Loop;
using Research.Training.Runs;
using Serilog.Events;

namespace Research.Training.Experiments;

/// <summary>
/// Carries a validated experiment through training, sampling and evaluation: one run folder per run
/// (variant), one comparison table for the experiment.
/// </summary>
public sealed class ExperimentRunner(ComponentRegistry registry, RunnerSettings settings, TextWriter output)
{
    /// <summary>Trains one run in a new run folder (or resumes <paramref name="resumeFrom"/>) and returns the open session.</summary>
    public (TrainingSession Session, RunFolder Folder) Train(ResolvedRun run, string? parentFolder = null, string? resumeFrom = null)
    {
        RunFolder folder = resumeFrom is not null
            ? RunFolder.Open(resumeFrom, ConsoleLevel)
            : parentFolder is not null
                ? RunFolder.CreateAt(Path.Combine(parentFolder, run.Variant ?? run.Name), run.ResolvedJson, run.Options.Seed, ConsoleLevel)
                : RunFolder.Create(settings.RunsDir, run.Name, run.ResolvedJson, run.Options.Seed, ConsoleLevel);
        TrainingSession? session = null;
        try
        {
            session = SessionBuilder.Build(run.Options, run.ResolvedJson, registry, settings.DataRoot);
            folder.Log.Information("Run {Name} in {Path}: {Family} on {Data}, backbone {Backbone}, {Runtime}", run.Name, folder.Path,
                run.Options.Parameterization.Type, run.Options.Data.Type, run.Options.Backbone.Type, string.Join(", ", Core.Runtime.TorchRuntime.Notes));
            if (resumeFrom is not null)
            {
                foreach (var stale in Directory.GetFiles(folder.Checkpoints, ".*.tmp"))
                    File.Delete(stale);                          // a write interrupted by a kill; the renamed file is intact
                var latest = Path.Combine(folder.Checkpoints, "latest.safetensors");
                if (File.Exists(latest))
                {
                    Checkpoint.Load(session, latest);
                    folder.Log.Information("Resumed from {Checkpoint} at step {Step}", latest, session.Step);
                }
                else folder.Log.Warning("No checkpoint in {Folder} yet: training starts from step 0", folder.Checkpoints);
                Core.IO.AtomicFile.WriteAllText(Path.Combine(folder.Path, "resolved.json"), run.ResolvedJson);
            }
            IProgressSink progress = settings.Interactive ? new SpectreProgressSink(run.Name) : new LogProgressSink(folder.Log, run.Name);
            new Trainer(session, folder, progress).Train();
            return (session, folder);
        }
        catch
        {
            session?.Dispose();
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Opens a trained run folder: its configuration, and the weights and EMA of its latest checkpoint.</summary>
    public (TrainingSession Session, RunFolder Folder) OpenTrained(string runFolder, string checkpoint = "latest")
    {
        var resolvedPath = Path.Combine(runFolder, "resolved.json");
        if (!File.Exists(resolvedPath)) throw new FileNotFoundException($"{runFolder}: not a run folder (no resolved.json)");
        var ckpt = File.Exists(checkpoint) ? checkpoint : Path.Combine(runFolder, "checkpoints", checkpoint + ".safetensors");
        if (!File.Exists(ckpt)) throw new FileNotFoundException($"{ckpt}: no such checkpoint");
        var run = ExperimentLoader.Load(resolvedPath, [], registry).Runs[0];
        var folder = RunFolder.Open(runFolder, ConsoleLevel);
        TrainingSession? session = null;
        try
        {
            session = SessionBuilder.Build(run.Options, run.ResolvedJson, registry, settings.DataRoot);
            Checkpoint.Load(session, ckpt);
            return (session, folder);
        }
        catch
        {
            session?.Dispose();
            folder.Dispose();
            throw;
        }
    }

    /// <summary>Trains and evaluates every run of <paramref name="experiment"/>, then writes and prints the table.</summary>
    public ResultsTable Run(LoadedExperiment experiment)
    {
        var first = experiment.Runs[0];
        string baseName = first.Variant is null ? first.Name : first.Name[..^(first.Variant.Length + 1)];
        string parent = RunFolder.NewFolderPath(settings.RunsDir, baseName);
        Directory.CreateDirectory(parent);
        var rows = new List<ResultRow>();
        foreach (var run in experiment.Runs)
        {
            var (session, folder) = Train(run, parent);
            using (session)
            using (folder)
                rows.AddRange(SampleEvaluator.EvaluateAll(session, folder, run.Variant ?? run.Options.Parameterization.Type));
        }
        var table = ComparisonTable.Build(rows);
        table.WriteMarkdown(Path.Combine(parent, "table.md"));
        table.WriteCsv(Path.Combine(parent, "table.csv"));
        output.WriteLine();
        output.WriteLine(table.ToText());
        output.WriteLine($"Table written to {Path.Combine(parent, "table.md")} and table.csv");
        return table;
    }

    private LogEventLevel ConsoleLevel => settings.Interactive ? LogEventLevel.Warning : LogEventLevel.Information;
}
