using System.Globalization;
using Research.Core.IO;
using Serilog;

namespace Research.Training.Runs;

/// <summary>
/// The files of a run's <c>checkpoints/</c>: <c>latest.safetensors</c> (rewritten at every <c>checkpoint_every</c>) and
/// the kept copies <c>step-NNNNNNNN.safetensors</c> (every <c>keep_checkpoint_every</c>), which are written once and never
/// overwritten. A resume continues from <c>latest</c>, or, when it is missing, from the newest kept copy.
/// </summary>
public static class CheckpointFiles
{
    /// <summary>The name of the checkpoint every resume, evaluation and sampling uses by default.</summary>
    public const string LatestName = "latest.safetensors";

    /// <summary>The name of the kept checkpoint of <paramref name="step"/>.</summary>
    public static string KeptName(long step) => $"step-{step:D8}.safetensors";

    /// <summary>The kept checkpoints in <paramref name="checkpoints"/>, by step (oldest first).</summary>
    public static IReadOnlyList<(long Step, string Path)> Kept(string checkpoints)
    {
        if (!Directory.Exists(checkpoints)) return [];
        var kept = new List<(long, string)>();
        foreach (var path in Directory.GetFiles(checkpoints, "step-*.safetensors"))
        {
            var digits = Path.GetFileNameWithoutExtension(path)["step-".Length..];
            if (digits.Length > 0 && digits.All(char.IsAsciiDigit) && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var step))
                kept.Add((step, path));
        }
        return kept.OrderBy(k => k.Item1).ToList();
    }

    /// <summary>
    /// The checkpoint a resume loads: <c>latest.safetensors</c>, else the newest kept checkpoint, else null. Only the newest
    /// kept one is ever chosen: resuming from an older one would train over (and rewrite) the newer ones.
    /// </summary>
    public static string? ResumeSource(string checkpoints)
    {
        var latest = Path.Combine(checkpoints, LatestName);
        if (File.Exists(latest)) return latest;
        var kept = Kept(checkpoints);
        return kept.Count > 0 ? kept[^1].Path : null;
    }

    /// <summary>
    /// Keeps a copy of <c>latest.safetensors</c> as the checkpoint of <paramref name="step"/>, atomically. An existing kept
    /// file is never overwritten (it is left as it is, with a warning).
    /// </summary>
    public static void Keep(string checkpoints, long step, ILogger log)
    {
        var kept = Path.Combine(checkpoints, KeptName(step));
        if (File.Exists(kept))
        {
            log.Warning("{Kept} exists already: left as it is", kept);
            return;
        }
        AtomicFile.Write(kept, target =>
        {
            using var source = File.OpenRead(Path.Combine(checkpoints, LatestName));
            source.CopyTo(target);
        });
    }
}
