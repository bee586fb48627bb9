using Research.Training.Experiments;

namespace Research.Cli.Sweeps;

/// <summary>One pending sweep point, ready to run in a process of its own.</summary>
/// <param name="Id">The point id (its folder name), e.g. <c>T=8_seed=2</c>.</param>
/// <param name="Folder">The point's run folder; it holds <c>done.json</c> once the point has finished.</param>
/// <param name="Args">The <c>research</c> arguments that run it (<c>run-point &lt;resolved.json&gt; --folder … --data-root …</c>).</param>
public sealed record SweepJob(string Id, string Folder, IReadOnlyList<string> Args)
{
    /// <summary>The point has finished: its <c>done.json</c> exists (written last and atomically).</summary>
    public bool IsDone => File.Exists(Path.Combine(Folder, SweepPointResult.FileName));
}
