using System.Text.Json;
using Research.Evaluation.Reports;

namespace Research.Training.Benchmarks;

/// <summary>
/// The sampling times of one <c>research bench --all-requests --json</c> report, put in place of the times the evaluations
/// measured (<c>research table --timing</c>, <c>research plot --timing</c>). An evaluation is timed wherever its run
/// happened to sample: beside another worker, behind other jobs, or in chunks across sessions; a bench times every
/// request in one process, back to back, at one batch size. The house rule (docs/benchmarks.md): speed is compared within
/// one benchmark run. Keyed by run name (<see cref="RunResult.RunName"/>, <c>resolved.json</c>'s <c>name</c>) and
/// sampling-request label.
/// </summary>
public sealed class BenchTimings
{
    private readonly Dictionary<(string Run, string Request), double> _msPerSample;

    private BenchTimings(string path, Dictionary<(string, string), double> msPerSample, int samplesPerCall)
    {
        Path = path;
        _msPerSample = msPerSample;
        SamplesPerCall = samplesPerCall;
    }

    /// <summary>The report file read.</summary>
    public string Path { get; }

    /// <summary>Samples per timed call in the report (its image batch; 0 when the report has none).</summary>
    public int SamplesPerCall { get; }

    /// <summary>How many (run, request) timings the report holds.</summary>
    public int Count => _msPerSample.Count;

    // The report's keys, from the record's own property names and the report's naming policy (no string to keep in step).
    private static string Key(string property) => JsonNamingPolicy.SnakeCaseLower.ConvertName(property);

    /// <summary>
    /// Reads the <c>sampling</c> rows of a bench JSON report. <see cref="FileNotFoundException"/> for a missing file;
    /// <see cref="InvalidDataException"/> naming the file and the key for anything else that is not such a report.
    /// </summary>
    public static BenchTimings Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such bench report (write one with 'research bench … --all-requests --json {path}')", path);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not JSON ({e.Message})");
        }
        using (doc)
        {
            string sampling = Key(nameof(BenchReport.Sampling));
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty(sampling, out var rows)
                || rows.ValueKind != JsonValueKind.Array)
                throw new InvalidDataException($"{path}: no '{sampling}' array: not a 'research bench --json' report");
            var times = new Dictionary<(string, string), double>();
            int samples = 0, i = 0;
            foreach (var row in rows.EnumerateArray())
            {
                string where = $"{path}: {sampling}[{i++}]";
                string run = Text(row, nameof(SamplingBenchResult.Run), where);
                string request = Text(row, nameof(SamplingBenchResult.Request), where);
                double ms = Number(row, nameof(SamplingBenchResult.MsPerSample), where);
                samples = (int)Number(row, nameof(SamplingBenchResult.Samples), where);
                if (!times.TryAdd((run, request), ms))
                    throw new InvalidDataException($"{where}: '{run}' / '{request}' is timed twice in one report");
            }
            if (times.Count == 0) throw new InvalidDataException($"{path}: '{sampling}' is empty: the bench timed no sampling");
            return new BenchTimings(path, times, samples);
        }
    }

    private static string Text(JsonElement row, string property, string where) =>
        row.TryGetProperty(Key(property), out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s
            : throw new InvalidDataException($"{where}: key '{Key(property)}' missing or not a string");

    private static double Number(JsonElement row, string property, string where) =>
        row.TryGetProperty(Key(property), out var v) && v.ValueKind == JsonValueKind.Number && v.GetDouble() is var d && double.IsFinite(d) && d > 0
            ? d
            : throw new InvalidDataException($"{where}: key '{Key(property)}' missing or not a positive number");

    /// <summary>Milliseconds per sample of <paramref name="request"/> of run <paramref name="run"/>, or null if not timed.</summary>
    public double? MsPerSample(string run, string request) => _msPerSample.TryGetValue((run, request), out var ms) ? ms : null;

    /// <summary>
    /// <paramref name="results"/> with each sampled row's time taken from the report (<see cref="RunResult.MsPer1000"/>);
    /// a row the report does not time loses its time (the table shows none, the plot leaves it out) and
    /// <paramref name="warn"/> names it once. Real-data rows (NFE 0) have no time and pass as they are.
    /// </summary>
    public IReadOnlyList<RunResult> Apply(IReadOnlyList<RunResult> results, Action<string> warn)
    {
        var missing = new HashSet<(string, string)>();
        var applied = new List<RunResult>(results.Count);
        foreach (var r in results)
        {
            if (r.Nfe is null or 0)
            {
                applied.Add(r);
                continue;
            }
            double? ms = r.RunName is { } name ? MsPerSample(name, r.Eval) : null;
            if (ms is null && missing.Add((r.RunName ?? r.RunFolder, r.Eval)))
                warn($"{Path}: no timing of run '{r.RunName ?? r.RunFolder}', request '{r.Eval}': its time is left empty");
            applied.Add(r with { MsPer1000 = ms * 1000 });
        }
        return applied;
    }
}
