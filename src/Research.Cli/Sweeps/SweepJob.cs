using Research.Training.Experiments;

namespace Research.Cli.Sweeps;

/// <summary>One pending sweep point, ready to run in a process of its own.</summary>
/// <param name="Id">The point id (its folder name), e.g. <c>T=8_seed=2</c>.</param>
/// <param name="Folder">The point's run folder; it holds <c>done.json</c> once the point has finished.</param>
/// <param name="Args">The <c>research</c> arguments that run it (<c>run-point &lt;resolved.json&gt; --folder … --data-root …</c>).</param>
public sealed record SweepJob(string Id, string Folder, IReadOnlyList<string> Args)
{
    /// <summary>
    /// The job of one run in <paramref name="parent"/>: its resolved JSON written to <c>&lt;parent&gt;/.points/&lt;id&gt;.json</c>
    /// (atomically), run by <c>run-point</c> into <c>&lt;parent&gt;/&lt;id&gt;</c>. Shared by <c>research sweep</c> and
    /// <c>research run --workers</c>.
    /// </summary>
    public static SweepJob Write(string parent, string id, string resolvedJson, string dataRoot)
    {
        var points = Directory.CreateDirectory(Path.Combine(parent, ".points")).FullName;
        var resolved = Path.Combine(points, id + ".json");
        Core.IO.AtomicFile.WriteAllText(resolved, resolvedJson);
        var folder = Path.Combine(parent, id);
        return new SweepJob(id, folder, ["run-point", resolved, "--folder", folder, "--data-root", dataRoot]);
    }

    /// <summary>The point has finished: its <c>done.json</c> exists (written last and atomically).</summary>
    public bool IsDone => File.Exists(Path.Combine(Folder, SweepPointResult.FileName));
}
