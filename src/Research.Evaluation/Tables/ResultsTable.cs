using System.Globalization;
using System.Text;

namespace Research.Evaluation.Tables;

/// <summary>
/// A small results table: ordered columns, rows of cells formatted once when added, and footnotes (settings a
/// reader needs, e.g. "σ=1/3, threshold 10, n=2,500"). Writes GitHub Markdown, CSV (RFC 4180) and aligned text.
/// </summary>
/// <remarks>
/// Formatting is culture-invariant. Null cells are empty, NaN is <c>NaN</c>, infinities are <c>inf</c> / <c>-inf</c>.
/// CSV holds the header and rows only (footnotes are for human-readable output), with CRLF line breaks and fields
/// containing a comma, quote, CR or LF enclosed in double quotes, inner quotes doubled (RFC 4180 §2).
/// Markdown and text use LF.
/// </remarks>
public sealed class ResultsTable
{
    private readonly List<TableColumn> columns;
    private readonly List<IReadOnlyList<string>> rows = [];
    private readonly List<string> footnotes = [];

    /// <summary>Creates an empty table with the given columns, in order (at least one; distinct names not required).</summary>
    public ResultsTable(IEnumerable<TableColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        this.columns = columns.ToList();
        if (this.columns.Count == 0) throw new ArgumentException("A table needs at least one column.", nameof(columns));
        if (this.columns.Any(c => c is null || c.Name is null)) throw new ArgumentException("Columns and their names must not be null.", nameof(columns));
    }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<TableColumn> Columns => columns;

    /// <summary>The formatted rows, in insertion order.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Rows => rows;

    /// <summary>The footnotes, in insertion order.</summary>
    public IReadOnlyList<string> Footnotes => footnotes;

    /// <summary>Adds a row with one cell per column (strings as given, numbers in the column's format). Returns this table.</summary>
    public ResultsTable AddRow(params object?[] cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        if (cells.Length != columns.Count)
            throw new ArgumentException($"Expected {columns.Count} cells, got {cells.Length}.", nameof(cells));
        rows.Add(cells.Select((cell, i) => FormatCell(cell, columns[i].Format)).ToArray());
        return this;
    }

    /// <summary>Adds a footnote printed under the Markdown and text tables. Returns this table.</summary>
    public ResultsTable AddFootnote(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        footnotes.Add(text);
        return this;
    }

    /// <summary>GitHub-flavoured Markdown: padded pipe table, alignment row, then one paragraph per footnote.</summary>
    public string ToMarkdown()
    {
        var header = columns.Select(c => EscapeMarkdown(c.Name)).ToArray();
        var body = rows.Select(r => r.Select(EscapeMarkdown).ToArray()).ToList();
        var widths = Widths(header, body, minimum: 3);
        var sb = new StringBuilder();
        sb.Append(MarkdownLine(header, widths));
        sb.Append('|');
        for (var i = 0; i < columns.Count; i++)
            sb.Append(' ').Append(columns[i].Alignment == ColumnAlignment.Right ? new string('-', widths[i] - 1) + ":" : ":" + new string('-', widths[i] - 1)).Append(" |");
        sb.Append('\n');
        foreach (var row in body) sb.Append(MarkdownLine(row, widths));
        foreach (var note in footnotes) sb.Append('\n').Append(note).Append('\n');
        return sb.ToString();
    }

    /// <summary>CSV per RFC 4180: header and rows, CRLF after every record.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder();
        sb.Append(string.Join(",", columns.Select(c => QuoteCsv(c.Name)))).Append("\r\n");
        foreach (var row in rows) sb.Append(string.Join(",", row.Select(QuoteCsv))).Append("\r\n");
        return sb.ToString();
    }

    /// <summary>Plain text for logs and consoles: columns padded and separated by two spaces, a dashed rule, then footnotes.</summary>
    public string ToText()
    {
        var header = columns.Select(c => c.Name).ToArray();
        var body = rows.Select(r => r.ToArray()).ToList();
        var widths = Widths(header, body, minimum: 1);
        var sb = new StringBuilder();
        sb.Append(TextLine(header, widths));
        sb.Append(string.Join("  ", widths.Select(w => new string('-', w)))).Append('\n');
        foreach (var row in body) sb.Append(TextLine(row, widths));
        if (footnotes.Count > 0) sb.Append('\n');
        foreach (var note in footnotes) sb.Append(note).Append('\n');
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToMarkdown"/> to <paramref name="path"/> (UTF-8, folder created).</summary>
    public void WriteMarkdown(string path) => Write(path, ToMarkdown());

    /// <summary>Writes <see cref="ToCsv"/> to <paramref name="path"/> (UTF-8, folder created).</summary>
    public void WriteCsv(string path) => Write(path, ToCsv());

    private static string FormatCell(object? cell, string? format) => cell switch
    {
        null => "",
        string s => s,
        double d => FormatFloating(d, format),
        float f => FormatFloating(f, format),
        IFormattable x => x.ToString(format, CultureInfo.InvariantCulture),
        _ => Convert.ToString(cell, CultureInfo.InvariantCulture) ?? "",
    };

    private static string FormatFloating(double value, string? format) => value switch
    {
        double.NaN => "NaN",
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString(format ?? "G6", CultureInfo.InvariantCulture),
    };

    private string MarkdownLine(IReadOnlyList<string> cells, int[] widths)
    {
        var sb = new StringBuilder("|");
        for (var i = 0; i < cells.Count; i++) sb.Append(' ').Append(Pad(cells[i], widths[i], columns[i].Alignment)).Append(" |");
        return sb.Append('\n').ToString();
    }

    private string TextLine(IReadOnlyList<string> cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => Pad(c, widths[i], columns[i].Alignment))).TrimEnd() + "\n";

    private static int[] Widths(string[] header, List<string[]> body, int minimum) =>
        header.Select((h, i) => Math.Max(minimum, body.Select(r => r[i].Length).Append(h.Length).Max())).ToArray();

    private static string Pad(string cell, int width, ColumnAlignment alignment) =>
        alignment == ColumnAlignment.Right ? cell.PadLeft(width) : cell.PadRight(width);

    private static string EscapeMarkdown(string cell) =>
        cell.Replace("|", "\\|", StringComparison.Ordinal).Replace("\r\n", "<br>", StringComparison.Ordinal).Replace("\n", "<br>", StringComparison.Ordinal);

    private static string QuoteCsv(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : field;

    private static void Write(string path, string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        // Atomic: two evaluations of one run writing its table.md at once leave one whole table, never a mix.
        var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
        Core.IO.AtomicFile.Write(full, s => s.Write(bytes));
    }
}
