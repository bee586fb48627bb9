using System.Globalization;
using System.Text.RegularExpressions;

namespace Research.Core.Configuration;

/// <summary>
/// The one path syntax of <c>--set</c>, sweep keys, error messages and key sources: JSON paths such as
/// <c>training.steps</c> or <c>sampling[0].steps</c>.
/// </summary>
internal static partial class ConfigPath
{
    /// <summary>One step of a path: an object key (<see cref="Name"/>) or an array index.</summary>
    public readonly record struct Segment(string? Name, int Index);

    /// <summary>
    /// The segments of <paramref name="path"/> (keys are anything between dots and brackets, so the paths of error
    /// messages parse too; <see cref="IsKeyPath"/> checks the stricter syntax of <c>--set</c> and sweeps); null when an
    /// index is out of range.
    /// </summary>
    public static List<Segment>? Parse(string path)
    {
        var segments = new List<Segment>();
        foreach (Match m in Part().Matches(path))
        {
            if (m.Groups["name"].Success) segments.Add(new Segment(m.Groups["name"].Value, -1));
            else if (int.TryParse(m.Groups["index"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var i)) segments.Add(new Segment(null, i));
            else return null; // an index beyond int
        }
        return segments;
    }

    /// <summary>A JSON path a <c>--set</c> or a sweep may name (<c>training.steps</c>, <c>sampling[0].steps</c>).</summary>
    public static bool IsKeyPath(string path) => KeySyntax().IsMatch(path);

    [GeneratedRegex(@"^[A-Za-z0-9_-]+(\[[0-9]+\])*(\.[A-Za-z0-9_-]+(\[[0-9]+\])*)*$")]
    private static partial Regex KeySyntax();

    [GeneratedRegex(@"(?<name>[^.\[\]]+)|\[(?<index>[0-9]+)\]")]
    private static partial Regex Part();
}
