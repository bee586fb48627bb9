using System.Globalization;
using System.Text;
using Research.Core.Configuration;

namespace Research.Training.Experiments;

/// <summary>
/// Aggregates a sweep's finished points: <c>results.csv</c> (one row per point and sampling request: variant,
/// swept keys, seed, every metric) and <c>table.md</c> (the paper-style table: points that differ only in
/// their seed grouped into one row, each metric as mean ± sd over the seeds).
/// </summary>
public static class SweepTable
{
    /// <summary>Writes both files into <paramref name="sweepFolder"/>; returns the markdown table.</summary>
    public static string Write(SweepPlan plan, IReadOnlyDictionary<string, SweepPointResult> results, string sweepFolder)
    {
        var lines = Lines(plan, results);
        var metrics = lines.SelectMany(l => l.Metrics.Keys).Distinct().ToList();
        var keyCols = (plan.HasVariants ? new[] { "variant" } : []).Concat(plan.SweptKeys.Where(k => k != Seed)).ToList();

        var csv = new StringBuilder();
        csv.AppendLine(string.Join(",", new[] { "point" }.Concat(keyCols).Append("seed").Append("sampling").Concat(metrics).Select(Csv)));
        foreach (var l in lines)
            csv.AppendLine(string.Join(",", new[] { l.Point.Id }.Concat(l.Keys).Append(Num(l.Point.Seed)).Append(l.Sampling)
                .Concat(metrics.Select(m => l.Metrics.TryGetValue(m, out var v) ? Num(v) : "")).Select(Csv)));
        Core.IO.AtomicFile.WriteAllText(Path.Combine(sweepFolder, "results.csv"), csv.ToString());

        var md = new StringBuilder();
        md.AppendLine($"# {plan.Name}").AppendLine();
        md.AppendLine($"{results.Count} of {plan.Points.Count} points finished; mean ± sd over seeds (n = seeds per row).").AppendLine();
        var header = keyCols.Append("sampling").Append("n").Concat(metrics).ToList();
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var g in lines.GroupBy(l => string.Join("\u0001", l.Keys.Append(l.Sampling))))
        {
            var first = g.First();
            var cells = first.Keys.Append(first.Sampling).Append(g.Count().ToString(CultureInfo.InvariantCulture))
                .Concat(metrics.Select(m => MeanSd(g.Where(l => l.Metrics.ContainsKey(m)).Select(l => l.Metrics[m]).ToList())));
            md.AppendLine("| " + string.Join(" | ", cells) + " |");
        }
        Core.IO.AtomicFile.WriteAllText(Path.Combine(sweepFolder, "table.md"), md.ToString());
        return md.ToString();
    }

    // A swept "seed" key (e.g. zipped with another key) is the seed column, never a grouping key.
    private const string Seed = "seed";

    private sealed record Line(SweepPoint Point, List<string> Keys, string Sampling, IReadOnlyDictionary<string, double> Metrics);

    private static List<Line> Lines(SweepPlan plan, IReadOnlyDictionary<string, SweepPointResult> results) =>
        plan.Points.Where(p => results.ContainsKey(p.Id)).SelectMany(p => results[p.Id].Rows.Select(r =>
        {
            var keys = (plan.HasVariants ? new[] { p.Variant ?? "" } : []).Concat(p.Values.Where(v => v.Key != Seed).Select(v => v.Value)).ToList();
            return new Line(p, keys, r.Key, r.Value);
        })).ToList();

    // The statistic of research table --mean-over-seeds (one copy of the seed mean and sample sd), in this table's number format.
    private static string MeanSd(List<double> values)
    {
        if (values.Count == 0) return "";
        var s = Evaluation.Reports.SeedStatistic.Of(values);
        return s.Count == 1 ? Num(s.Mean) : $"{Num(s.Mean)} ± {Num(s.Sd)}";
    }

    // Small metrics (MMD², mode KL) keep three significant digits instead of rounding to 0.
    private static string Num(double v) =>
        !double.IsFinite(v) ? "nan"
        : v != 0 && Math.Abs(v) < 1e-3 ? v.ToString("0.##E+0", CultureInfo.InvariantCulture)
        : Math.Round(v, 4).ToString("0.####", CultureInfo.InvariantCulture);

    private static string Csv(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
}
