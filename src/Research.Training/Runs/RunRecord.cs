using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Research.Core.IO;
using Research.Core.Runtime;

namespace Research.Training.Runs;

/// <summary>
/// A run's <c>run.json</c>: which program produced the run and how its process ended. Written when the folder is created,
/// completed when training starts (<see cref="Start"/>) and updated when it ends (<see cref="End"/>), each time atomically.
/// </summary>
/// <remarks>
/// Keys: <c>name</c>, <c>method</c> (the name of the run's result rows, where known), <c>seed</c>, <c>started_utc</c> (first start); <c>commit</c> (the commit the binary was built from,
/// <see cref="BuildInfo"/>, never the folder the command ran in) and <c>commit_dirty</c>; <c>version</c>;
/// <c>command_line</c> (every argument); <c>working_directory</c>; <c>experiment_file</c> and <c>experiment_sha256</c>;
/// <c>torchsharp</c>, <c>libtorch</c>, <c>device</c>, <c>threads</c>, <c>machine</c>, <c>cores</c>, <c>os</c>, <c>dotnet</c>;
/// <c>status</c> (<see cref="RunStatus"/>, lower case), <c>ended_utc</c> and <c>error</c>. A resumed run keeps
/// <c>started_utc</c>, adds <c>resumed_utc</c>, and moves the earlier process's values to the list <c>earlier</c>.
/// </remarks>
public static class RunRecord
{
    /// <summary>The file name inside the run folder.</summary>
    public const string FileName = "run.json";

    /// <summary>Keys kept across resumes (the run's identity); every other key describes one process.</summary>
    private static readonly HashSet<string> RunKeys = ["name", "method", "seed", "started_utc", "earlier"];

    /// <summary>Writes the first <c>run.json</c> of a new run folder: identity, program, machine; status running.</summary>
    public static void Create(string folder, string name, long seed, string? method = null)
    {
        var doc = new JsonObject { ["name"] = name };
        if (method is not null) doc["method"] = method;
        doc["seed"] = seed;
        doc["started_utc"] = Now();
        AddProcess(doc);
        Write(folder, doc);
    }

    /// <summary>
    /// Records the process that trains the run now: command line, experiment file and its SHA-256, device and threads,
    /// status running. On a folder whose <c>run.json</c> holds an earlier process (a resume), that process's values move
    /// to <c>earlier</c>.
    /// </summary>
    public static void Start(string folder, RunStart start, bool resumed)
    {
        ArgumentNullException.ThrowIfNull(start);
        var doc = Read(folder) ?? new JsonObject { ["name"] = Path.GetFileName(folder), ["started_utc"] = Now() };
        if (resumed)
        {
            var earlier = doc["earlier"] as JsonArray ?? [];
            var previous = new JsonObject();
            foreach (var (key, value) in doc.ToList())
                if (!RunKeys.Contains(key)) previous[key] = value?.DeepClone();
            earlier.Add(previous);
            foreach (var key in previous.Select(p => p.Key).ToList()) doc.Remove(key);
            doc.Remove("earlier");
            doc["earlier"] = earlier;
            AddProcess(doc);
            doc["resumed_utc"] = Now();
        }
        doc["command_line"] = new JsonArray(start.CommandLine.Select(a => (JsonNode?)a).ToArray());
        doc["working_directory"] = Environment.CurrentDirectory;
        doc["experiment_file"] = start.ExperimentFile;
        doc["experiment_sha256"] = start.ExperimentSha256;
        doc["torchsharp"] = BuildInfo.TorchSharpVersion;
        doc["libtorch"] = BuildInfo.LibTorchVersion;
        doc["device"] = start.Device;
        doc["threads"] = start.Threads;
        Write(folder, doc);
    }

    /// <summary>Records how the process ended: status, end time and, for a failure or an interruption, the reason.</summary>
    public static void End(string folder, RunStatus status, string? error = null)
    {
        var doc = Read(folder) ?? new JsonObject { ["name"] = Path.GetFileName(folder) };
        doc["status"] = Name(status);
        doc["ended_utc"] = Now();
        if (error is not null) doc["error"] = error;
        else doc.Remove("error");
        Write(folder, doc);
    }

    /// <summary>The <c>status</c> of a run folder's <c>run.json</c>, or null when absent or unreadable.</summary>
    public static RunStatus? ReadStatus(string folder) =>
        Read(folder)?["status"]?.GetValue<string>() is { } s && Enum.TryParse<RunStatus>(s, ignoreCase: true, out var status) ? status : null;

    /// <summary>
    /// The <c>method</c> of a run folder's <c>run.json</c> (the name its result rows carry), or null when absent: folders
    /// written before the key existed, or created outside an experiment runner.
    /// </summary>
    public static string? ReadMethod(string folder) =>
        Read(folder)?["method"] is JsonValue v && v.TryGetValue<string>(out var method) && method.Length > 0 ? method : null;

    /// <summary>The lower-case name <c>run.json</c> uses for <paramref name="status"/>.</summary>
    public static string Name(RunStatus status) => status.ToString().ToLowerInvariant();

    // The program and the machine of the process writing now.
    private static void AddProcess(JsonObject doc)
    {
        doc["status"] = Name(RunStatus.Running);
        doc["commit"] = BuildInfo.Commit;
        doc["commit_dirty"] = BuildInfo.Dirty;
        doc["version"] = BuildInfo.Version;
        doc["machine"] = Environment.MachineName;
        doc["cores"] = Environment.ProcessorCount;
        doc["os"] = System.Runtime.InteropServices.RuntimeInformation.OSDescription;
        doc["dotnet"] = Environment.Version.ToString();
        doc["pid"] = Environment.ProcessId;
    }

    private static JsonObject? Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) as JsonObject;
        }
        catch (JsonException)
        {
            return null;   // a damaged record is replaced, never a reason to stop a run
        }
    }

    private static void Write(string folder, JsonObject doc) =>
        AtomicFile.WriteAllText(Path.Combine(folder, FileName), doc.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");

    private static string Now() => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
}
