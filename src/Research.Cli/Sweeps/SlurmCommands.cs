using System.Diagnostics;
using System.Globalization;

namespace Research.Cli.Sweeps;

/// <summary>
/// The Slurm client commands the launcher uses (<c>sbatch</c>, <c>squeue</c>, <c>sacct</c>, <c>scontrol</c>) and
/// the parsing of their output. Only the stable, script-oriented formats are read (<c>--parsable</c>, <c>-o</c>, <c>-P</c>,
/// <c>-o</c> one-liners).
/// </summary>
public static class SlurmCommands
{
    /// <summary>Slurm job states in which a task has not ended yet.</summary>
    private static readonly HashSet<string> Active = new(StringComparer.Ordinal)
    {
        "PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED",
        "RESIZING", "SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD", "SPECIAL_EXIT",
    };

    /// <summary>True while a task in <paramref name="state"/> may still run or is running.</summary>
    public static bool IsActive(string state) => Active.Contains(state);

    /// <summary>Runs <paramref name="command"/> with <paramref name="args"/>; returns exit code and output.</summary>
    public static (int Exit, string Out, string Err) Run(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    /// <summary>The job id printed by <c>sbatch --parsable</c> (<c>id</c> or <c>id;cluster</c>), or null.</summary>
    public static string? ParseSubmittedJobId(string output)
    {
        var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        var id = last?.Split(';')[0];
        return id is { Length: > 0 } && id.All(char.IsAsciiDigit) ? id : null;
    }

    /// <summary>
    /// Array task index → state from <c>squeue -h -r -j ID -o %K|%T</c>, one task per line. Lines whose index is not
    /// a single number (an unexpanded range) are skipped.
    /// </summary>
    public static Dictionary<int, string> ParseSqueue(string output)
    {
        var states = new Dictionary<int, string>();
        foreach (var line in Lines(output))
        {
            var f = line.Split('|');
            if (f.Length >= 2 && int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)) states[index] = f[1].Trim();
        }
        return states;
    }

    /// <summary>
    /// Array task index → (state, exit code) from <c>sacct -n -P -X -j ID -o JobID,State,ExitCode</c> (lines
    /// <c>ID_i|STATE|code:signal</c>); other lines (pending ranges, "accounting storage is disabled") are skipped.
    /// </summary>
    public static Dictionary<int, (string State, string Exit)> ParseSacct(string output, string jobId)
    {
        var states = new Dictionary<int, (string, string)>();
        foreach (var line in Lines(output))
        {
            var f = line.Split('|');
            if (f.Length < 3 || !f[0].StartsWith(jobId + "_", StringComparison.Ordinal)) continue;
            if (int.TryParse(f[0].AsSpan(jobId.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                states[index] = (FirstWord(f[1]), f[2].Trim());
        }
        return states;
    }

    /// <summary>
    /// Array task index → (state, exit code) from <c>scontrol -o show job ID</c>: one line per task with
    /// <c>ArrayJobId=ID ArrayTaskId=i … JobState=S … ExitCode=c:s</c>. Finished jobs stay visible for the
    /// cluster's <c>MinJobAge</c>; this is the fallback when there is no accounting database.
    /// </summary>
    public static Dictionary<int, (string State, string Exit)> ParseScontrol(string output, string jobId)
    {
        var states = new Dictionary<int, (string, string)>();
        foreach (var line in Lines(output))
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(t => t.Split('=', 2)).Where(kv => kv.Length == 2)
                .GroupBy(kv => kv[0], StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First()[1], StringComparer.Ordinal);
            if (fields.GetValueOrDefault("ArrayJobId") != jobId) continue;
            if (!int.TryParse(fields.GetValueOrDefault("ArrayTaskId"), NumberStyles.None, CultureInfo.InvariantCulture, out var index)) continue;
            states[index] = (FirstWord(fields.GetValueOrDefault("JobState") ?? "UNKNOWN"), fields.GetValueOrDefault("ExitCode") ?? "?");
        }
        return states;
    }

    private static IEnumerable<string> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string FirstWord(string s) => s.Trim().Split(' ')[0];
}
