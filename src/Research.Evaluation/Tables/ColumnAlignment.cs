namespace Research.Evaluation.Tables;

/// <summary>Horizontal alignment of a <see cref="ResultsTable"/> column in Markdown and text output.</summary>
public enum ColumnAlignment
{
    /// <summary>Left-aligned (text).</summary>
    Left,

    /// <summary>Right-aligned (numbers).</summary>
    Right,
}
