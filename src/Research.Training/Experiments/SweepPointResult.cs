using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Core.IO;
using Research.Evaluation.Metrics;

namespace Research.Training.Experiments;

/// <summary>
/// A finished sweep point's <c>done.json</c>: written last and atomically, so its presence means the run
/// folder is complete. Holds the evaluated rows (the same rows <see cref="SampleEvaluator"/> appends to
/// <c>metrics.jsonl</c>) so the sweep can be tabled without re-reading every run.
/// </summary>
/// <param name="Point">The point id (its folder name).</param>
/// <param name="Rows">Sampling label → numeric metrics (including <c>nfe</c> and <c>ms_per_1000</c>).</param>
public sealed record SweepPointResult(string Point, IReadOnlyList<KeyValuePair<string, IReadOnlyDictionary<string, double>>> Rows)
{
    /// <summary>The marker's file name inside the point's run folder.</summary>
    public const string FileName = "done.json";

    /// <summary>The result of evaluated rows; non-numeric metrics are left out.</summary>
    public static SweepPointResult From(string point, IEnumerable<ResultRow> rows) => new(point, rows.Select(r =>
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal) { [MetricKeys.Nfe] = r.Nfe, [MetricKeys.MsPer1000] = Math.Round(r.MsPer1000, 3) };
        foreach (var (k, v) in r.Metrics)
            if (v is IConvertible c && v is not string and not bool) values[k] = c.ToDouble(CultureInfo.InvariantCulture);
        return new KeyValuePair<string, IReadOnlyDictionary<string, double>>(r.Sampling, values);
    }).ToList());

    /// <summary>
    /// The rows again as comparison-table rows of <paramref name="method"/> (metric values as numbers; <c>nfe</c> and
    /// <c>ms_per_1000</c> become the row's own fields). A point run in its own process reports through these.
    /// </summary>
    public IReadOnlyList<ResultRow> ToResultRows(string method) => Rows.Select(r => new ResultRow(method, r.Key,
        r.Value.TryGetValue(MetricKeys.Nfe, out var nfe) ? (int)nfe : 0,
        r.Value.TryGetValue(MetricKeys.MsPer1000, out var ms) ? ms : double.NaN,
        r.Value.Where(m => m.Key is not (MetricKeys.Nfe or MetricKeys.MsPer1000))
            .ToDictionary(m => m.Key, m => (object)m.Value, StringComparer.Ordinal))).ToList();

    /// <summary>Writes <c>done.json</c> into <paramref name="runFolder"/> atomically.</summary>
    public void Write(string runFolder)
    {
        var rows = new JsonArray(Rows.Select(r => (JsonNode)new JsonObject
        {
            ["sampling"] = r.Key,
            ["metrics"] = new JsonObject(r.Value.Select(m => new KeyValuePair<string, JsonNode?>(m.Key, double.IsFinite(m.Value) ? m.Value : null))),
        }).ToArray());
        var doc = new JsonObject { ["point"] = Point, ["completed_utc"] = DateTime.UtcNow.ToString("O"), ["rows"] = rows };
        AtomicFile.WriteAllText(Path.Combine(runFolder, FileName), doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>Reads the marker of <paramref name="runFolder"/>, or null when the point has not finished.</summary>
    public static SweepPointResult? TryRead(string runFolder)
    {
        var path = Path.Combine(runFolder, FileName);
        if (!File.Exists(path)) return null;
        var doc = JsonNode.Parse(File.ReadAllText(path))!;
        var rows = doc["rows"]!.AsArray().Select(r => new KeyValuePair<string, IReadOnlyDictionary<string, double>>(
            r!["sampling"]!.GetValue<string>(),
            r["metrics"]!.AsObject().ToDictionary(m => m.Key, m => m.Value is null ? double.NaN : m.Value.GetValue<double>(), StringComparer.Ordinal)))
            .ToList();
        return new SweepPointResult(doc["point"]!.GetValue<string>(), rows);
    }
}
