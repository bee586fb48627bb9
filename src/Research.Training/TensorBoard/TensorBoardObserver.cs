using Research.Evaluation.Metrics;
using Research.Evaluation.Reports;
using Research.Training.Loop;

namespace Research.Training.TensorBoard;

/// <summary>
/// Mirrors a run's metrics into a TensorBoard event file under <c>&lt;run&gt;/tb/</c> (docs/tensorboard.md): every numeric
/// value of a metrics line as a scalar at the line's step, and each sample picture as an image.
/// </summary>
/// <remarks>
/// Tags: <c>lr.X</c> → <c>lr/X</c>; <c>grad_norm.X</c> → <c>grad_norm/X</c>; <c>steps_per_sec</c>, <c>live_tensors</c>,
/// <c>skipped_steps</c>, <c>collections_in_steps</c>, <c>unplanned_collections</c> → <c>perf/…</c>; other training values (losses and their parts) → <c>train/…</c>; an evaluation
/// row's metrics → <c>eval/&lt;label&gt;/&lt;metric&gt;</c>; pictures → <c>samples/&lt;label&gt;</c>. TensorBoard groups charts by the
/// part before the first slash.
/// </remarks>
public sealed class TensorBoardObserver : IMetricsObserver
{
    /// <summary>Sub-folder of the run that holds the event files.</summary>
    public const string Folder = "tb";

    private static readonly HashSet<string> PerfKeys = [MetricKeys.StepsPerSec, MetricKeys.LiveTensors, MetricKeys.SkippedSteps, MetricKeys.CollectionsInSteps, MetricKeys.UnplannedCollections];
    private static readonly HashSet<string> EvalSkip = [MetricKeys.Step, MetricKeys.Eval, MetricKeys.Method];
    private readonly EventFileWriter _writer;

    private TensorBoardObserver(EventFileWriter writer) => _writer = writer;

    /// <summary>The event file being written.</summary>
    public string EventFile => _writer.Path;

    /// <summary>Starts a new event file in <c>&lt;runFolder&gt;/tb/</c>.</summary>
    public static TensorBoardObserver Create(string runFolder) =>
        new(EventFileWriter.Create(Path.Combine(runFolder, Folder)));

    /// <inheritdoc />
    public void OnMetrics(IReadOnlyDictionary<string, object> line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (!line.TryGetValue(MetricKeys.Step, out var s) || AsDouble(s) is not { } stepValue) return;
        long step = (long)stepValue;
        string? label = line.TryGetValue(MetricKeys.Eval, out var e) ? e as string : null;
        var scalars = new List<KeyValuePair<string, float>>();
        foreach (var (key, value) in line.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (AsDouble(value) is not { } v) continue;
            string? tag = label is not null ? EvalSkip.Contains(key) ? null : $"eval/{label}/{key}" : TrainingTag(key);
            if (tag is not null) scalars.Add(new(tag, (float)v));
        }
        _writer.WriteScalars(step, scalars);
    }

    /// <inheritdoc />
    public void OnImage(string label, long step, EncodedImage image) => _writer.WriteImage($"samples/{label}", step, image);

    private static string? TrainingTag(string key)
    {
        if (key == MetricKeys.Step) return null;
        if (PerfKeys.Contains(key)) return $"perf/{key}";
        foreach (var prefix in (ReadOnlySpan<string>)[MetricKeys.LearningRatePrefix, MetricKeys.GradNormPrefix])
            if (key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.Ordinal)) return $"{prefix[..^1]}/{key[prefix.Length..]}";
        return $"train/{key}";
    }

    private static double? AsDouble(object? value) => value switch
    {
        double d => d,
        float f => f,
        int i => i,
        long l => l,
        decimal m => (double)m,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } j => j.GetDouble(),
        _ => null,
    };

    /// <inheritdoc />
    public void Dispose() => _writer.Dispose();
}
