using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Core.Configuration;
using Research.Evaluation.Metrics;
using Research.Evaluation.Reports;

namespace Research.Training.Experiments;

/// <summary>
/// <c>research sweep --restore-from</c>: takes finished points back from their committed small files
/// (<c>research collect</c>, <see cref="RunArtefacts"/>), so a sweep that outlives the machine it started on does not
/// train again what a previous machine finished. A point is restored only when its folder is absent from the sweep
/// folder here and its record is complete: <c>run.json</c> says <c>completed</c>, <c>resolved.json</c> is the point's
/// resolved configuration (the same JSON value), and <c>metrics.jsonl</c> holds an evaluation line at the final training
/// step for every sampling request (with its sample count) and, where configured, the real-data row (the point's own:
/// the one with the most samples, not one a later <c>research eval --rescore --first N</c> added). Its small files are
/// copied and <c>done.json</c> is rebuilt from those lines — exactly the rows the point's own run wrote there, so the sweep's
/// table and <c>research table</c> read the same numbers. Weights and sample tensors are not committed and not restored:
/// a later step that needs a point's checkpoint (e.g. guidance on a DDPM) trains it again.
/// </summary>
public static class SweepRestore
{
    /// <summary>
    /// Restores every restorable point of <paramref name="plan"/> from <c>&lt;<paramref name="source"/>&gt;/&lt;sweep name&gt;/&lt;point&gt;/</c>
    /// into <paramref name="sweepFolder"/>; tells <paramref name="report"/> what was restored and why a record found there
    /// was not. Returns the ids restored. A point already present here (finished or part-trained) is never touched.
    /// <see cref="DirectoryNotFoundException"/> names <paramref name="source"/> when it has no folder for this sweep.
    /// </summary>
    public static IReadOnlyList<string> Restore(SweepPlan plan, string sweepFolder, string source, Action<string> report)
    {
        var root = Path.Combine(Path.GetFullPath(source), plan.Name);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"--restore-from {source}: no folder {plan.Name}/ for sweep '{plan.Name}' " +
                                                 $"(expected the layout of 'research collect runs/{plan.Name} --out {source}')");
        var restored = new List<string>();
        foreach (var point in plan.Points)
        {
            var from = Path.Combine(root, point.Id);
            var to = Path.Combine(sweepFolder, point.Id);
            if (!Directory.Exists(from) || Directory.Exists(to)) continue;
            var problem = Check(point, from, out var result);
            if (problem is not null)
            {
                report($"not restored {point.Id}: {Path.GetRelativePath(Directory.GetCurrentDirectory(), from)}: {problem}; it runs");
                continue;
            }
            Copy(from, to, result!);
            report($"restored {point.Id} from {Path.GetRelativePath(Directory.GetCurrentDirectory(), from)} (its numbers, not its weights)");
            restored.Add(point.Id);
        }
        return restored;
    }

    /// <summary>Why the record in <paramref name="folder"/> cannot stand for <paramref name="point"/>, or null with its <paramref name="result"/>.</summary>
    public static string? Check(SweepPoint point, string folder, out SweepPointResult? result)
    {
        result = null;
        var runJson = Path.Combine(folder, "run.json");
        var resolvedJson = Path.Combine(folder, "resolved.json");
        if (!File.Exists(runJson) || !File.Exists(resolvedJson)) return "no run.json or resolved.json";
        var status = Parse(runJson)?["status"]?.GetValue<string>();
        if (status != "completed") return $"run.json status is '{status}', not 'completed'";
        var difference = FirstDifference(Parse(resolvedJson), Parse(point.Run.ResolvedJson, runJson), "");
        if (difference is not null) return $"resolved.json differs from the point's configuration at '{difference}'";

        var options = point.Run.Options;
        long step = options.Training.Steps;
        var lines = RunResultsReader.Read(folder);
        var rows = new List<ResultRow>();
        foreach (var spec in options.Sampling)
        {
            var line = lines.LastOrDefault(r => r.Method == point.Id && r.Eval == spec.DisplayLabel && r.Step == step);
            if (line?.Nfe is not { } nfe) return $"no evaluation line for '{spec.DisplayLabel}' at step {step} in metrics.jsonl";
            if (line.Metric(MetricKeys.NumSamples) is { } n && n != spec.NumSamples)
                return $"'{spec.DisplayLabel}' was evaluated on {n} samples, the point asks for {spec.NumSamples}";
            rows.Add(Row(line, line.MsPer1000 ?? 0));
        }
        if (options.Evaluation.RealDataRow && options.Sampling.Count > 0)
        {
            // The point's own real-data row is at its first request's n (capped by the data); `research eval --rescore
            // --first N` later adds one at N ≤ that, so the run's own line is the one with the most samples.
            var reals = lines.Where(r => r.Method == SampleEvaluator.RealDataMethod && r.Step == step).ToList();
            if (reals.Count == 0) return $"no real-data line at step {step} in metrics.jsonl";
            double most = reals.Max(r => r.Metric(MetricKeys.NumSamples) ?? 0);
            var real = reals.Last(r => (r.Metric(MetricKeys.NumSamples) ?? 0) == most);
            rows.Add(Row(real, 0));
        }
        result = SweepPointResult.From(point.Id, rows);
        return null;
    }

    private static ResultRow Row(RunResult line, double msPer1000)
    {
        var metrics = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (k, v) in line.Metrics) metrics[k] = v;
        foreach (var (k, v) in line.Notes) metrics[k] = v;
        return new ResultRow(line.Method, line.Eval, line.Nfe ?? 0, msPer1000, metrics);
    }

    // The folder appears whole or not at all: copied beside it under a temporary name with done.json, then renamed.
    private static void Copy(string from, string to, SweepPointResult result)
    {
        var staging = to + ".restoring";
        if (Directory.Exists(staging)) Directory.Delete(staging, true);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var dest = Path.Combine(staging, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.Copy(file, dest);
        }
        result.Write(staging);
        Directory.Move(staging, to);
    }

    private static JsonNode? Parse(string path) => Parse(File.ReadAllText(path), path);

    private static JsonNode? Parse(string json, string origin)
    {
        try
        {
            return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{origin}: not JSON: {e.Message}");
        }
    }

    /// <summary>The path of the first place where <paramref name="a"/> and <paramref name="b"/> differ as JSON values, or null.</summary>
    public static string? FirstDifference(JsonNode? a, JsonNode? b, string path)
    {
        string Here() => path.Length == 0 ? "(root)" : path;
        switch (a, b)
        {
            case (null, null): return null;
            case (JsonObject x, JsonObject y):
                foreach (var key in x.Select(p => p.Key).Union(y.Select(p => p.Key), StringComparer.Ordinal))
                {
                    var sub = path.Length == 0 ? key : $"{path}.{key}";
                    if (!x.ContainsKey(key) || !y.ContainsKey(key)) return sub;
                    if (FirstDifference(x[key], y[key], sub) is { } d) return d;
                }
                return null;
            case (JsonArray x, JsonArray y):
                if (x.Count != y.Count) return Here();
                for (int i = 0; i < x.Count; i++)
                    if (FirstDifference(x[i], y[i], $"{path}[{i}]") is { } d) return d;
                return null;
            default:
                return JsonNode.DeepEquals(a, b) ? null : Here();
        }
    }
}
