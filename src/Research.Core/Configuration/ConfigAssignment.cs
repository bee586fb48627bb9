namespace Research.Core.Configuration;

/// <summary>A value written at a path over the layered tree: one <c>--set key=value</c>, or one swept key of a sweep point.</summary>
/// <param name="Path">The JSON path as written (<c>sampling[0].steps</c>).</param>
/// <param name="Segments">The parsed path.</param>
/// <param name="Value">The value, carrying its origin (<c>--set</c>, or the file with the point's prefix).</param>
internal sealed record ConfigAssignment(string Path, IReadOnlyList<ConfigPath.Segment> Segments, ConfigNode Value)
{
    /// <summary>The top-level key the assignment writes under.</summary>
    public string TopKey => Segments[0].Name ?? "";
}
