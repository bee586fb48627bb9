using System.Text;
using System.Text.Json;
using Research.Evaluation.Metrics;

namespace Research.Training.Runs;

/// <summary>
/// A run's <c>metrics.jsonl</c>: one JSON object per line, each appended whole or not at all. Every append is one write of
/// the line and its newline under an exclusive lock on the file (<c>flock</c> on Unix), so two processes (a trainer and a
/// <c>research eval</c>, or two evals) never splice their lines. A write cut short (a full disk, a kill) leaves a last line
/// without its newline, a <em>torn tail</em>: the next append, and a resume's rewind, repair it (a tail that parses as a
/// JSON object gets its newline) or drop it, so it never glues onto the next line.
/// </summary>
public static class MetricsFile
{
    /// <summary>The file's name inside a run folder.</summary>
    public const string FileName = "metrics.jsonl";

    /// <summary>
    /// The line for <paramref name="values"/> in UTF-8, newline included. NaN and ±Inf have no JSON form: they are written
    /// as <c>null</c>, and the line lists their keys under <see cref="MetricKeys.NonFinite"/> (in the values' order).
    /// </summary>
    public static byte[] Line(IReadOnlyDictionary<string, object> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        List<string>? nonFinite = null;
        foreach (var (key, value) in values)
            if (IsNonFinite(value)) (nonFinite ??= []).Add(key);
        if (nonFinite is null) return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(values) + "\n");
        var written = new Dictionary<string, object?>(values.Count + 1, StringComparer.Ordinal);
        foreach (var (key, value) in values) written[key] = IsNonFinite(value) ? null : value;
        written[MetricKeys.NonFinite] = nonFinite;
        return Encoding.UTF8.GetBytes(JsonSerializer.Serialize(written) + "\n");
    }

    /// <summary>True for a <see cref="double"/> or <see cref="float"/> NaN or infinity.</summary>
    public static bool IsNonFinite(object? value) => value is double d && !double.IsFinite(d) || value is float f && !float.IsFinite(f);

    /// <summary>
    /// Appends <paramref name="line"/> (ending in a newline) to <paramref name="path"/> in one write, after repairing a torn
    /// tail. If the write fails (e.g. no space left), the file is cut back to its length before it, and the error is
    /// rethrown: the file holds whole lines only. Returns what happened to a torn tail (<see cref="TailRepair.None"/> mostly).
    /// </summary>
    public static TailRepair Append(string path, byte[] line)
    {
        ArgumentNullException.ThrowIfNull(line);
        using var file = OpenExclusive(path, FileMode.OpenOrCreate, FileAccess.ReadWrite);
        var repair = RepairTail(file);
        long length = file.Length;
        file.Position = length;
        try
        {
            file.Write(line);
            file.Flush();
        }
        catch (IOException)
        {
            try
            {
                file.SetLength(length);   // whole lines or nothing
            }
            catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException)
            {
                // A device (a link to /dev/full) cannot be cut; it holds no partial line either.
            }
            throw;
        }
        return repair;
    }

    /// <summary>
    /// Repairs a torn tail of the open <paramref name="file"/> (positioned anywhere): bytes after the last newline that parse
    /// as a JSON object get their newline; any other such bytes are cut off.
    /// </summary>
    public static TailRepair RepairTail(FileStream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        long length = file.Length;
        if (length == 0) return TailRepair.None;
        var last = new byte[1];
        file.Position = length - 1;
        file.ReadExactly(last);
        if (last[0] == (byte)'\n') return TailRepair.None;
        long start = LastLineStart(file, length);
        var tail = new byte[length - start];
        file.Position = start;
        file.ReadExactly(tail);
        if (IsJsonObject(tail))
        {
            file.Position = length;
            file.WriteByte((byte)'\n');
            file.Flush();
            return TailRepair.NewlineAdded;
        }
        file.SetLength(start);
        file.Flush();
        return TailRepair.Dropped;
    }

    /// <summary>The largest <c>step</c> of any line of <paramref name="path"/> (0 when none; unparsable lines are skipped).</summary>
    public static long LastStep(string path)
    {
        if (!File.Exists(path)) return 0;
        long max = 0;
        foreach (var line in File.ReadLines(path))
            if (StepOf(line) is { } step && step > max) max = step;
        return max;
    }

    /// <summary>The line's integer <c>step</c>, or null (no step, not a JSON object).</summary>
    public static long? StepOf(string line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(MetricKeys.Step, out var s) && s.TryGetInt64(out var v)
                ? v : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>True when <paramref name="utf8"/> is one JSON object.</summary>
    public static bool IsJsonObject(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8);
            using var doc = JsonDocument.ParseValue(ref reader);
            return doc.RootElement.ValueKind == JsonValueKind.Object && reader.BytesConsumed == utf8.Length;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Opens <paramref name="path"/> with an exclusive lock (<see cref="FileShare.None"/>: <c>flock</c> on Unix), waiting up
    /// to two seconds for another process that holds it for one line. Unbuffered: a write is one system call.
    /// </summary>
    public static FileStream OpenExclusive(string path, FileMode mode, FileAccess access)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, mode, access, FileShare.None, bufferSize: 0);
            }
            catch (IOException e) when (attempt < 400 && File.Exists(path) && e is not (FileNotFoundException or DirectoryNotFoundException))
            {
                Thread.Sleep(5);
            }
        }
    }

    // Offset just after the last newline before the final byte (0 when the file has one line).
    private static long LastLineStart(FileStream file, long length)
    {
        var buffer = new byte[8192];
        long end = length - 1;   // the final byte is not a newline
        while (end > 0)
        {
            int n = (int)Math.Min(buffer.Length, end);
            file.Position = end - n;
            file.ReadExactly(buffer, 0, n);
            int i = Array.LastIndexOf(buffer, (byte)'\n', n - 1, n);
            if (i >= 0) return end - n + i + 1;
            end -= n;
        }
        return 0;
    }
}
