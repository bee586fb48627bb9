namespace Research.Core.Configuration;

/// <summary>
/// One problem in an experiment configuration, found before any tensor exists.
/// </summary>
/// <param name="Source">The file the offending key came from (full path), or <c>--set</c> for a command-line override.</param>
/// <param name="Path">
/// The JSON path of the key, e.g. <c>training.steps</c>, <c>sampling[0].steps</c> or
/// <c>variants[1].set.training.stepz</c>; empty when the problem concerns the whole file (invalid JSON).
/// </param>
/// <param name="Message">What is wrong, e.g. <c>expected an integer, got "many"</c>.</param>
public sealed record ConfigError(string Source, string Path, string Message)
{
    /// <summary><c>&lt;source&gt;: &lt;path&gt;: &lt;message&gt;</c> (the path part is left out when empty).</summary>
    public override string ToString() => Path.Length == 0 ? $"{Source}: {Message}" : $"{Source}: {Path}: {Message}";
}
