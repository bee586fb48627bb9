using System.Text.Json;
using Research.Evaluation.Metrics;

namespace Research.Evaluation.Reports;

/// <summary>
/// Finds finished run folders (those holding <c>resolved.json</c>) and reads the evaluation lines of their
/// <c>metrics.jsonl</c>: JSON objects with an <c>eval</c> key, written by the sample evaluator.
/// </summary>
public static class RunResultsReader
{
    /// <summary>How deep below a given folder run folders are searched (runs dir → experiment → variant).</summary>
    public const int MaxDepth = 4;

    /// <summary>
    /// Run folders named by <paramref name="paths"/>: each path is a run folder itself or is searched for run folders
    /// (not below a run folder). Order: the paths' order, then start time (<c>run.json</c>'s <c>started_utc</c>, so an
    /// experiment's variants keep their order), then ordinal path; duplicates removed.
    /// <see cref="DirectoryNotFoundException"/> for a missing path, <see cref="FileNotFoundException"/> if none is found.
    /// </summary>
    public static IReadOnlyList<string> FindRunFolders(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var found = new List<string>();
        var given = paths.ToList();
        foreach (var path in given)
        {
            var full = Path.GetFullPath(path);
            if (!Directory.Exists(full)) throw new DirectoryNotFoundException($"{path}: no such folder");
            var here = new List<string>();
            Collect(full, 0, here);
            found.AddRange(here.OrderBy(StartedUtc).ThenBy(p => p, StringComparer.Ordinal));
        }
        var distinct = found.Distinct(StringComparer.Ordinal).ToList();
        if (distinct.Count == 0)
            throw new FileNotFoundException($"No run folders (with resolved.json) in {string.Join(", ", given)}.");
        return distinct;
    }

    /// <summary>Every evaluation of every run under <paramref name="paths"/> (see <see cref="Read"/>).</summary>
    public static IReadOnlyList<RunResult> ReadAll(IEnumerable<string> paths) => FindRunFolders(paths).SelectMany(f => Read(f)).ToList();

    /// <summary>
    /// The evaluation lines of one run folder, in order of first appearance; when a (method, eval) pair was evaluated
    /// again, the last line wins. Empty when the run has no <c>metrics.jsonl</c> or no evaluation yet. Metrics a line names
    /// under <c>non_finite</c> (a diverged model's, written as null) read as NaN. A last line without its newline that is
    /// not JSON is a write cut short (a full disk, a kill): it is skipped, and <paramref name="warn"/> is told. The file is
    /// only read, never repaired (the run's next writer does that).
    /// <see cref="InvalidDataException"/> names the file and line of any other malformed JSON.
    /// </summary>
    public static IReadOnlyList<RunResult> Read(string runFolder, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(runFolder);
        var folder = Path.GetFullPath(runFolder);
        var file = Path.Combine(folder, "metrics.jsonl");
        if (!File.Exists(file)) return [];
        var seed = RunSeed(folder);
        var name = RunName(folder);
        var byKey = new Dictionary<(string, string), RunResult>();
        var order = new List<(string, string)>();
        var text = ReadShared(file);
        var lines = text.Split('\n');   // after a final newline, the last element is empty
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNumber = i + 1;
            var line = lines[i];
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException e) when (i == lines.Length - 1)
            {
                warn?.Invoke($"{file}: line {lineNumber} is cut short (no newline, not JSON: a write interrupted by a full disk or a kill); skipped ({e.Message})");
                continue;
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{file}: line {lineNumber}: not JSON: {e.Message}");
            }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    throw new InvalidDataException($"{file}: line {lineNumber}: not a JSON object");
                if (!doc.RootElement.TryGetProperty(MetricKeys.Eval, out _)) continue;
                var result = Parse(doc.RootElement, folder) with { Seed = seed, RunName = name };
                var key = (result.Method, result.Eval);
                if (!byKey.ContainsKey(key)) order.Add(key);
                byKey[key] = result;
            }
        }
        return order.Select(k => byKey[k]).ToList();
    }

    // The whole file, read beside a writer: an append holds an exclusive lock for one line, which a reader waits out.
    private static string ReadShared(string file)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
                return reader.ReadToEnd();
            }
            catch (IOException e) when (attempt < 400 && e is not (FileNotFoundException or DirectoryNotFoundException))
            {
                Thread.Sleep(5);
            }
        }
    }

    private static RunResult Parse(JsonElement line, string folder)
    {
        var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
        var notes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in line.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out var d)) metrics[p.Name] = d;
            else if (p.Value.ValueKind == JsonValueKind.String) notes[p.Name] = p.Value.GetString() ?? "";
        }
        if (line.TryGetProperty(MetricKeys.NonFinite, out var nonFinite) && nonFinite.ValueKind == JsonValueKind.Array)
            foreach (var key in nonFinite.EnumerateArray())
                if (key.ValueKind == JsonValueKind.String && key.GetString() is { } name && name is not (MetricKeys.Nfe or MetricKeys.Step))
                    metrics[name] = double.NaN;
        string method = notes.GetValueOrDefault(MetricKeys.Method) ?? Path.GetFileName(folder);
        string eval = notes.GetValueOrDefault(MetricKeys.Eval) ?? (metrics.TryGetValue(MetricKeys.Eval, out var e) ? e.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
        int? nfe = metrics.TryGetValue(MetricKeys.Nfe, out var n) ? (int)n : null;
        double? ms = metrics.TryGetValue(MetricKeys.MsPer1000, out var t) ? t : null;
        long? step = metrics.TryGetValue(MetricKeys.Step, out var s) ? (long)s : null;
        foreach (var k in new[] { MetricKeys.Nfe, MetricKeys.MsPer1000, MetricKeys.Step, MetricKeys.Eval }) metrics.Remove(k);
        foreach (var k in new[] { MetricKeys.Method, MetricKeys.Eval }) notes.Remove(k);
        return new RunResult(folder, method, eval, nfe, ms, step, metrics, notes);
    }

    /// <summary>
    /// The run's seed: <c>seed</c> of <c>run.json</c>, else of <c>resolved.json</c>; null when neither records an integer
    /// seed or the file is unreadable (a report then treats the run as unseeded, it does not fail).
    /// </summary>
    private static long? RunSeed(string folder)
    {
        foreach (var name in new[] { "run.json", "resolved.json" })
            if (TopLevel(Path.Combine(folder, name), "seed") is { ValueKind: JsonValueKind.Number } s && s.TryGetInt64(out var seed))
                return seed;
        return null;
    }

    /// <summary>The run's name, <c>name</c> of <c>resolved.json</c> (the experiment's name and variant); null if absent or unreadable.</summary>
    private static string? RunName(string folder) =>
        TopLevel(Path.Combine(folder, "resolved.json"), "name") is { ValueKind: JsonValueKind.String } n ? n.GetString() : null;

    // A top-level property of a JSON object file; null when the file is missing, unreadable or lacks it.
    private static JsonElement? TopLevel(string file, string key)
    {
        if (!File.Exists(file)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(key, out var v) ? v.Clone() : null;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    /// <summary><c>started_utc</c> of the folder's <c>run.json</c>, or <see cref="DateTime.MaxValue"/> when absent or unreadable.</summary>
    private static DateTime StartedUtc(string folder)
    {
        var file = Path.Combine(folder, "run.json");
        if (!File.Exists(file)) return DateTime.MaxValue;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(file));
            return doc.RootElement.ValueKind == JsonValueKind.Object
                   && doc.RootElement.TryGetProperty("started_utc", out var started)
                   && started.ValueKind == JsonValueKind.String
                   && DateTime.TryParse(started.GetString(), System.Globalization.CultureInfo.InvariantCulture,
                       System.Globalization.DateTimeStyles.RoundtripKind, out var utc)
                ? utc.ToUniversalTime()
                : DateTime.MaxValue;
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return DateTime.MaxValue;
        }
    }

    private static void Collect(string dir, int depth, List<string> into)
    {
        if (File.Exists(Path.Combine(dir, "resolved.json")))
        {
            into.Add(dir);
            return;
        }
        if (depth >= MaxDepth) return;
        foreach (var sub in Directory.EnumerateDirectories(dir))
        {
            var name = Path.GetFileName(sub);
            if (name.StartsWith('.') || name is "checkpoints" or "samples") continue;
            Collect(sub, depth + 1, into);
        }
    }
}
