using System.Globalization;
using System.Text;
using Research.Cli.Commands;
using Research.Core.IO;

namespace Research.Cli.Sweeps;

/// <summary>
/// The job-array script for a sweep's pending points and its manifest, both in <c>&lt;sweep&gt;/slurm/</c>.
/// Array task <c>i</c> runs the point on the manifest line whose first field is <c>i</c>; the line also holds
/// the point id and the <c>research</c> arguments (tab-separated), so the script itself is the same for every
/// task and the manifest is the whole index → point mapping. Each task writes
/// <c>&lt;sweep&gt;/logs/slurm-&lt;job&gt;_&lt;i&gt;.out</c> and <c>.err</c>.
/// </summary>
public sealed class SlurmArrayScript
{
    /// <summary>The folder, inside the sweep folder, that holds the script, the manifest and the job id.</summary>
    public const string FolderName = "slurm";

    private SlurmArrayScript(string sweepFolder, IReadOnlyList<SweepJob> tasks, string script, string manifest)
    {
        Tasks = tasks;
        Script = script;
        Manifest = manifest;
        ScriptPath = ScriptPathOf(sweepFolder);
        ManifestPath = ManifestPathOf(sweepFolder);
        LogFolder = LogFolderOf(sweepFolder);
    }

    /// <summary>The array's tasks: task <c>i</c> runs <c>Tasks[i]</c>.</summary>
    public IReadOnlyList<SweepJob> Tasks { get; }

    /// <summary>The sbatch script's text.</summary>
    public string Script { get; }

    /// <summary>The manifest's text: a comment line, then <c>index, point, arguments…</c> per task, tab-separated.</summary>
    public string Manifest { get; }

    /// <summary><c>&lt;sweep&gt;/slurm/array.sbatch</c>.</summary>
    public string ScriptPath { get; }

    /// <summary><c>&lt;sweep&gt;/slurm/manifest.tsv</c>.</summary>
    public string ManifestPath { get; }

    /// <summary><c>&lt;sweep&gt;/logs</c>: one <c>.out</c> and one <c>.err</c> per task.</summary>
    public string LogFolder { get; }

    /// <summary>The script path of a sweep folder.</summary>
    public static string ScriptPathOf(string sweepFolder) => Path.Combine(sweepFolder, FolderName, "array.sbatch");

    /// <summary>The manifest path of a sweep folder.</summary>
    public static string ManifestPathOf(string sweepFolder) => Path.Combine(sweepFolder, FolderName, "manifest.tsv");

    /// <summary>The file holding the id of the last submitted array job.</summary>
    public static string JobIdPathOf(string sweepFolder) => Path.Combine(sweepFolder, FolderName, "job-id");

    /// <summary>The folder receiving the tasks' output.</summary>
    public static string LogFolderOf(string sweepFolder) => Path.Combine(sweepFolder, "logs");

    /// <summary>Task <paramref name="index"/>'s standard output file for array job <paramref name="jobId"/>.</summary>
    public static string OutputLogOf(string sweepFolder, string jobId, int index) =>
        Path.Combine(LogFolderOf(sweepFolder), $"slurm-{jobId}_{index.ToString(CultureInfo.InvariantCulture)}.out");

    /// <summary>Task <paramref name="index"/>'s standard error file for array job <paramref name="jobId"/>.</summary>
    public static string ErrorLogOf(string sweepFolder, string jobId, int index) => Path.ChangeExtension(OutputLogOf(sweepFolder, jobId, index), ".err");

    /// <summary>Builds the script and manifest for <paramref name="jobs"/> (one array task each, in order).</summary>
    /// <param name="sweepFolder">The sweep's folder, absolute; its name is the sweep's name.</param>
    /// <param name="jobs">The pending points; at least one.</param>
    /// <param name="options">Resources and extra sbatch options.</param>
    /// <param name="command">The executable (and leading arguments) that run <c>research</c>, e.g. <see cref="SelfInvocation.Command"/>.</param>
    /// <param name="workingDirectory">The tasks' working directory (<c>#SBATCH --chdir</c>).</param>
    public static SlurmArrayScript Create(string sweepFolder, IReadOnlyList<SweepJob> jobs, SlurmOptions options,
        IReadOnlyList<string> command, string workingDirectory)
    {
        if (jobs.Count == 0) throw new ArgumentException("A job array needs at least one task", nameof(jobs));
        if (command.Count == 0) throw new ArgumentException("The command is empty", nameof(command));
        var manifest = new StringBuilder("# index\tpoint\tresearch arguments (tab-separated); written by 'research sweep --launcher slurm'\n");
        for (var i = 0; i < jobs.Count; i++)
            manifest.Append(string.Join('\t', new[] { i.ToString(CultureInfo.InvariantCulture), Field(jobs[i].Id) }.Concat(jobs[i].Args.Select(Field)))).Append('\n');

        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(sweepFolder));
        var manifestPath = ManifestPathOf(sweepFolder);
        var s = new StringBuilder();
        s.Append("#!/bin/bash\n");
        s.Append($"# Sweep '{Line(name)}': {jobs.Count} array task(s), one per point not finished when it was written.\n");
        s.Append("# Written by 'research sweep --launcher slurm'. Re-running that command is the way to resume: it skips\n");
        s.Append("# finished points and writes this script anew. Task i runs the point on the manifest line starting with i.\n");
        s.Append(Directive("--job-name", "research-" + name));
        s.Append(Directive("--array", $"0-{(jobs.Count - 1).ToString(CultureInfo.InvariantCulture)}"));
        s.Append(Directive("--output", Path.Combine(LogFolderOf(sweepFolder), "slurm-%A_%a.out")));
        s.Append(Directive("--error", Path.Combine(LogFolderOf(sweepFolder), "slurm-%A_%a.err")));
        s.Append(Directive("--chdir", workingDirectory));
        if (options.Partition is { } partition) s.Append(Directive("--partition", partition));
        if (options.Time is { } time) s.Append(Directive("--time", time));
        if (options.CpusPerTask is { } cpus) s.Append(Directive("--cpus-per-task", cpus.ToString(CultureInfo.InvariantCulture)));
        if (options.Mem is { } mem) s.Append(Directive("--mem", mem));
        foreach (var extra in options.ExtraArgs)
            s.Append(extra.StartsWith("--", StringComparison.Ordinal) && extra.IndexOf('=', StringComparison.Ordinal) is > 2 and var eq
                ? Directive(extra[..eq], extra[(eq + 1)..])
                : $"#SBATCH {Line(extra)}\n");
        s.Append("set -euo pipefail\n");
        s.Append($"manifest={Quote(manifestPath)}\n");
        s.Append("task=${SLURM_ARRAY_TASK_ID:?not a Slurm array task}\n");
        s.Append("line=$(awk -F '\\t' -v i=\"$task\" '$1 == i { print; exit }' \"$manifest\")\n");
        s.Append("if [ -z \"$line\" ]; then echo \"task $task: no line in $manifest\" >&2; exit 2; fi\n");
        s.Append("IFS=$'\\t' read -r -a fields <<<\"$line\"\n");
        s.Append("echo \"research sweep: task $task of array job ${SLURM_ARRAY_JOB_ID:-?} runs point ${fields[1]} on $(hostname)\"\n");
        s.Append("export CI=1\n");
        s.Append($"exec {string.Join(' ', command.Select(Quote))} \"${{fields[@]:2}}\"\n");
        return new SlurmArrayScript(sweepFolder, jobs, s.ToString(), manifest.ToString());
    }

    /// <summary>Writes the manifest, then the script (each atomically), creating the folders.</summary>
    public void Write()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(ScriptPath)!);
        Directory.CreateDirectory(LogFolder);
        AtomicFile.WriteAllText(ManifestPath, Manifest);
        AtomicFile.WriteAllText(ScriptPath, Script);
    }

    /// <summary>Reads a manifest: per task, its index, point id and arguments.</summary>
    public static IReadOnlyList<(int Index, string Point, IReadOnlyList<string> Args)> ReadManifest(string path) =>
        File.ReadLines(path).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l =>
        {
            var f = l.Split('\t');
            return (int.Parse(f[0], CultureInfo.InvariantCulture), f[1], (IReadOnlyList<string>)f[2..]);
        }).ToList();

    /// <summary>Single-quotes <paramref name="s"/> for bash.</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    // sbatch reads "#SBATCH --opt=value" lines up to the first command; a value with blanks is double-quoted.
    private static string Directive(string option, string value)
    {
        value = Line(value);
        if (value.Contains('"', StringComparison.Ordinal)) throw new UsageException($"{option}: a double quote cannot be written into an #SBATCH line: {value}");
        return value.Any(char.IsWhiteSpace) ? $"#SBATCH {option}=\"{value}\"\n" : $"#SBATCH {option}={value}\n";
    }

    private static string Line(string value) =>
        value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal)
            ? throw new UsageException($"a line break cannot be written into the Slurm script: {value}")
            : value;

    private static string Field(string value) =>
        value.Length == 0 || value.Contains('\t', StringComparison.Ordinal) || value.Contains('\n', StringComparison.Ordinal) || value.Contains('\r', StringComparison.Ordinal)
            ? throw new UsageException($"cannot write an empty value, a tab or a line break into the Slurm manifest: '{value}'")
            : value;
}
