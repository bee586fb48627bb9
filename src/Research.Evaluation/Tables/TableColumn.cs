namespace Research.Evaluation.Tables;

/// <summary>One column of a <see cref="ResultsTable"/>: its header, alignment and numeric format.</summary>
/// <param name="Name">Header text.</param>
/// <param name="Alignment">Alignment in Markdown and text output.</param>
/// <param name="Format">
/// .NET format string applied (invariant culture) to numeric cells, e.g. <c>F2</c>, <c>P1</c>, <c>N0</c>; null uses
/// <c>G6</c> for floating-point values and the plain form otherwise. Strings are written as given.
/// </param>
public sealed record TableColumn(string Name, ColumnAlignment Alignment = ColumnAlignment.Left, string? Format = null)
{
    /// <summary>A left-aligned text column.</summary>
    public static TableColumn Text(string name) => new(name);

    /// <summary>A right-aligned numeric column with an optional format.</summary>
    public static TableColumn Number(string name, string? format = null) => new(name, ColumnAlignment.Right, format);
}
