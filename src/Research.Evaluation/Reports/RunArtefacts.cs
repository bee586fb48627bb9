using System.Text.Json;
using Research.Evaluation.Metrics;

namespace Research.Evaluation.Reports;

/// <summary>
/// The small files of finished runs that a study commits beside its results.md, so that every reported number can be
/// traced to one run and its table rebuilt by <c>research table</c> from the repository alone: per run <c>resolved.json</c>,
/// <c>run.json</c>, the evaluation lines of <c>metrics.jsonl</c> (lines with an <c>eval</c> key) and the sample grids
/// (<c>samples/*.png</c>); per experiment or sweep folder its <c>table.md</c> / <c>table.csv</c> / <c>results.csv</c>. Checkpoints, sample tensors, logs
/// and TensorBoard files stay behind. <c>run.json</c> is written with paths relative to the run's working directory
/// (<see cref="RelativeRunRecord"/>).
/// </summary>
public static class RunArtefacts
{
    /// <summary>Per-run files copied as they are.</summary>
    public static readonly string[] RunFiles = ["resolved.json", "run.json"];

    /// <summary>Files of the folder holding an experiment's runs (the comparison table), copied when present.</summary>
    public static readonly string[] GroupFiles = ["table.md", "table.csv", "results.csv"];

    /// <summary>One file to write: its destination and its bytes.</summary>
    public sealed record Item(string Destination, byte[] Bytes);

    /// <summary>
    /// What collecting the run folders under <paramref name="paths"/> (each a run folder or a folder searched for them, as
    /// <c>research table</c> reads them) into <paramref name="outDir"/> would write. A run keeps its path relative to the
    /// path it was found under, prefixed by that path's folder name (e.g. <c>20261206-1329-fashion-trilemma/ddpm/</c>).
    /// Nothing is written here. <paramref name="images"/> false leaves out the sample pictures (a 2-D scatter plot is
    /// ~250 KB; a sweep of dozens of points would commit megabytes). A run with no evaluation line yet (a sweep point
    /// still training, a killed run) carries no number to trace and is left out, and <paramref name="skipped"/> is told its
    /// folder, unless <paramref name="includeUnevaluated"/>.
    /// </summary>
    public static IReadOnlyList<Item> Plan(IEnumerable<string> paths, string outDir, bool images = true,
        bool includeUnevaluated = false, Action<string>? skipped = null)
    {
        var items = new List<Item>();
        foreach (var path in paths)
        {
            var root = Path.GetFullPath(path);
            var baseDir = Path.GetDirectoryName(root.TrimEnd(Path.DirectorySeparatorChar)) ?? root;
            foreach (var run in RunResultsReader.FindRunFolders([path]))
            {
                var metrics = Path.Combine(run, "metrics.jsonl");
                var evaluations = File.Exists(metrics) ? EvaluationLines(metrics) : null;
                if (!includeUnevaluated && (evaluations is null || evaluations.Length == 0))
                {
                    skipped?.Invoke(run);
                    continue;
                }
                var dest = Path.Combine(outDir, Path.GetRelativePath(baseDir, run));
                foreach (var name in RunFiles.Where(n => File.Exists(Path.Combine(run, n))))
                    items.Add(new Item(Path.Combine(dest, name), name == "run.json"
                        ? RelativeRunRecord(File.ReadAllText(Path.Combine(run, name)))
                        : RelativePlugins(File.ReadAllBytes(Path.Combine(run, name)), WorkingDirectory(run), dest)));
                if (evaluations is not null)
                    items.Add(new Item(Path.Combine(dest, "metrics.jsonl"), evaluations));
                var samples = Path.Combine(run, "samples");
                if (images && Directory.Exists(samples))
                    foreach (var png in Directory.EnumerateFiles(samples, "*.png").Order(StringComparer.Ordinal))
                        items.Add(new Item(Path.Combine(dest, "samples", Path.GetFileName(png)), File.ReadAllBytes(png)));
                var group = Path.GetDirectoryName(run)!;
                if (group.Length >= baseDir.Length)
                    foreach (var name in GroupFiles.Where(n => File.Exists(Path.Combine(group, n))))
                        items.Add(new Item(Path.Combine(outDir, Path.GetRelativePath(baseDir, group), name), File.ReadAllBytes(Path.Combine(group, name))));
            }
        }
        return items.GroupBy(i => i.Destination, StringComparer.Ordinal).Select(g => g.First()).ToList();
    }

    /// <summary>
    /// The destinations of <paramref name="items"/> that already exist with other bytes: collecting never overwrites a
    /// different file (an identical one is left as it is).
    /// </summary>
    public static IReadOnlyList<string> Conflicts(IEnumerable<Item> items) =>
        items.Where(i => File.Exists(i.Destination) && !File.ReadAllBytes(i.Destination).AsSpan().SequenceEqual(i.Bytes))
            .Select(i => i.Destination).ToList();

    /// <summary>Writes every item whose destination does not hold those bytes yet; returns how many were written.</summary>
    public static int Write(IEnumerable<Item> items)
    {
        int written = 0;
        foreach (var item in items)
        {
            if (File.Exists(item.Destination)) continue;
            Directory.CreateDirectory(Path.GetDirectoryName(item.Destination)!);
            var tmp = item.Destination + ".tmp";
            File.WriteAllBytes(tmp, item.Bytes);
            File.Move(tmp, item.Destination);
            written++;
        }
        return written;
    }

    /// <summary>
    /// <c>run.json</c> with the machine's folder taken out: <c>working_directory</c> becomes <c>.</c> and every string value
    /// under it, at any depth (the experiment file, a sweep worker's command-line arguments), is written relative to it, so a committed record names no path of the machine it ran
    /// on. Everything else (commit, versions, seed, times, status) is kept as written; a file that is not a JSON object
    /// with an absolute <c>working_directory</c> is copied unchanged.
    /// </summary>
    public static byte[] RelativeRunRecord(string json)
    {
        System.Text.Json.Nodes.JsonNode? root;
        try { root = System.Text.Json.Nodes.JsonNode.Parse(json); }
        catch (JsonException) { return System.Text.Encoding.UTF8.GetBytes(json); }
        if (root is not System.Text.Json.Nodes.JsonObject obj || obj["working_directory"]?.GetValueKind() != JsonValueKind.String)
            return System.Text.Encoding.UTF8.GetBytes(json);
        var cwd = obj["working_directory"]!.GetValue<string>().TrimEnd('/', '\\');
        if (!Path.IsPathRooted(cwd) || cwd.Length == 0) return System.Text.Encoding.UTF8.GetBytes(json);
        Relativize(obj, cwd);
        return System.Text.Encoding.UTF8.GetBytes(obj.ToJsonString(Indented) + "\n");
    }

    // Indented, non-ASCII text (ε, σ in descriptions) kept as written.
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// <c>resolved.json</c> with its <c>plugins</c> paths (stored absolute by the loader) that lie under the run's working
    /// directory <paramref name="workingDirectory"/> rewritten relative to <paramref name="destination"/>, the folder the file
    /// is collected into, pointing at the same path under the current directory: the loader reads plugin paths relative to
    /// the file naming them, so the collected file still loads its plugin in the repository and names no folder of the
    /// machine. A file without such paths is returned byte for byte.
    /// </summary>
    public static byte[] RelativePlugins(byte[] json, string? workingDirectory, string destination)
    {
        if (workingDirectory is null || !Path.IsPathRooted(workingDirectory)) return json;
        System.Text.Json.Nodes.JsonNode? root;
        try { root = System.Text.Json.Nodes.JsonNode.Parse(json); }
        catch (JsonException) { return json; }
        if (root?["plugins"] is not System.Text.Json.Nodes.JsonArray plugins) return json;
        var cwd = workingDirectory.TrimEnd('/', '\\');
        bool changed = false;
        for (int i = 0; i < plugins.Count; i++)
        {
            if (plugins[i]?.GetValueKind() != JsonValueKind.String || plugins[i]!.GetValue<string>() is not { } path
                || !path.StartsWith(cwd + "/", StringComparison.Ordinal)) continue;
            var here = Path.GetFullPath(Path.Combine(Environment.CurrentDirectory, path[(cwd.Length + 1)..]));
            plugins[i] = Path.GetRelativePath(Path.GetFullPath(destination), here).Replace('\\', '/');
            changed = true;
        }
        return changed ? System.Text.Encoding.UTF8.GetBytes(root.ToJsonString(Indented) + "\n") : json;
    }

    // The working_directory of a run's run.json, or null.
    private static string? WorkingDirectory(string run)
    {
        var record = Path.Combine(run, "run.json");
        if (!File.Exists(record)) return null;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(record));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("working_directory", out var wd)
                && wd.ValueKind == JsonValueKind.String ? wd.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // Every string at any depth (the experiment file, a sweep worker's command-line arguments) that is the working
    // directory or a path under it, made relative to it.
    private static void Relativize(System.Text.Json.Nodes.JsonNode node, string cwd)
    {
        string? Relative(System.Text.Json.Nodes.JsonNode? value) =>
            value?.GetValueKind() == JsonValueKind.String && value.GetValue<string>() is var text
            && (text == cwd || text.StartsWith(cwd + "/", StringComparison.Ordinal) || text.StartsWith(cwd + "\\", StringComparison.Ordinal))
                ? (text == cwd ? "." : text[(cwd.Length + 1)..])
                : null;
        switch (node)
        {
            case System.Text.Json.Nodes.JsonObject o:
                foreach (var (key, value) in o.ToList())
                {
                    if (Relative(value) is { } r) o[key] = r;
                    else if (value is not null) Relativize(value, cwd);
                }
                break;
            case System.Text.Json.Nodes.JsonArray a:
                for (int i = 0; i < a.Count; i++)
                {
                    if (Relative(a[i]) is { } r) a[i] = r;
                    else if (a[i] is { } item) Relativize(item, cwd);
                }
                break;
        }
    }

    // The lines of metrics.jsonl that hold an evaluation (an "eval" key), in order; other lines (training losses) dropped.
    private static byte[] EvaluationLines(string path)
    {
        var kept = new List<string>();
        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0) continue;
            try
            {
                using var doc = JsonDocument.Parse(line);
                if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(MetricKeys.Eval, out _)) kept.Add(line);
            }
            catch (JsonException) { }                       // a torn or foreign line is not an evaluation
        }
        return System.Text.Encoding.UTF8.GetBytes(kept.Count == 0 ? "" : string.Join('\n', kept) + "\n");
    }
}
