using System.Globalization;
using Research.Evaluation.Metrics;
using Research.Evaluation.Tables;

namespace Research.Evaluation.Reports;

/// <summary>
/// Builds the papers' table layouts (<see cref="TableLayout"/>) from run results. Cells a run did not measure are
/// empty. Rows keep the order of the results; a method evaluated with several sampling requests gets one row per
/// request, labelled "method (request)".
/// </summary>
public static class PaperTables
{
    /// <summary>Metric columns of the ablation layout in this order, then any other metric alphabetically.</summary>
    private static readonly (string Key, string Header, string Format)[] Known =
    [
        (MetricKeys.Fid, "FID ↓", "0.00"), (MetricKeys.InceptionScore, "IS ↑", "0.00"), (MetricKeys.InceptionScoreStd, "IS std", "0.00"),
        (MetricKeys.Kid, "KID ↓", "0.0000"), (MetricKeys.KidStd, "KID std", "0.0000"), (MetricKeys.Precision, "Precision ↑", "0.00"),
        (MetricKeys.Recall, "Recall ↑", "0.00"), (MetricKeys.GuidedAccuracyPct, "Guided accuracy % ↑", "0.0"),
        (MetricKeys.ModeKl, "Mode KL ↓", "0.0000"), (MetricKeys.CovError, "Cov. error ↓", "0.000"),
        (MetricKeys.CovErrorMax, "Cov. error max ↓", "0.000"), (MetricKeys.GaussMmd2, "Gaussian MMD² ↓", "0.00000"),
        (MetricKeys.SlicedW1, "Sliced W1 ↓", "0.0000"),
        (MetricKeys.Frechet2D, "Fréchet (2-D) ↓", "0.0000"), (MetricKeys.Mmd2, "MMD² ↓", "0.00000"),
        (MetricKeys.ModesCovered, "Modes covered ↑", "0"), (MetricKeys.HighQualityPct, "High-quality % ↑", "0.0"),
        (MetricKeys.PeakRssMiB, "Peak RSS (MiB)", "0"),
        (MetricKeys.RecognisablePct, "Recognisable % ↑", "0.0"), (MetricKeys.ClassKl, "Class KL ↓", "0.000"), (MetricKeys.IntraClassDiversity, "Diversity ↑", "0.000"),
    ];

    /// <summary>Keys never shown as ablation columns (folded into other cells or bookkeeping).</summary>
    private static readonly HashSet<string> Hidden =
        [MetricKeys.NumModes, MetricKeys.NumSamples, MetricKeys.ReferenceImages, MetricKeys.KidSubsetSize,
         MetricKeys.RecognisableThreshold, MetricKeys.PrecisionRecallK];

    /// <summary>The metrics the ablation layout knows by name, as (metric key, column header), in column order.</summary>
    public static IReadOnlyList<(string Key, string Header)> KnownMetrics { get; } = Known.Select(m => (m.Key, m.Header)).ToList();

    /// <summary>Parses a layout name: <c>ddgan-table1</c>, <c>ablation</c> or <c>trilemma</c>.</summary>
    public static TableLayout ParseLayout(string name) => name switch
    {
        "ddgan-table1" => TableLayout.DdganTable1,
        "ablation" => TableLayout.Ablation,
        "trilemma" => TableLayout.Trilemma,
        _ => throw new ArgumentException($"Unknown table layout '{name}' (known: ddgan-table1, ablation, trilemma).", nameof(name)),
    };

    /// <summary>The table of <paramref name="results"/> in <paramref name="layout"/>.</summary>
    public static ResultsTable Build(TableLayout layout, IReadOnlyList<RunResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0) throw new ArgumentException("No evaluated runs to tabulate.", nameof(results));
        var table = layout switch
        {
            TableLayout.DdganTable1 => DdganTable1(results),
            TableLayout.Ablation => Ablation(results),
            TableLayout.Trilemma => Trilemma(results),
            _ => throw new ArgumentOutOfRangeException(nameof(layout)),
        };
        foreach (var note in results.Select(r => r.Notes.GetValueOrDefault(MetricKeys.ModeFootnote)).OfType<string>().Distinct())
            table.AddFootnote("Mode metrics — " + note);
        return table;
    }

    private static ResultsTable DdganTable1(IReadOnlyList<RunResult> results)
    {
        var table = new ResultsTable([
            TableColumn.Text("Method"), TableColumn.Number("IS ↑", "0.00"), TableColumn.Number("FID ↓", "0.00"),
            TableColumn.Number("Recall ↑", "0.00"), TableColumn.Number("NFE ↓", "0"), TableColumn.Number("Time (s / 100 samples) ↓", "0.000"),
        ]);
        foreach (var r in results)
            table.AddRow(RowLabel(r, results), r.Metric(MetricKeys.InceptionScore), r.Metric(MetricKeys.Fid), r.Metric(MetricKeys.Recall),
                r.Nfe, r.MsPer1000 / 10_000);
        table.AddFootnote("Layout of DDGAN Table 1 (arXiv:2112.07804). IS: 10 splits; FID against training-set statistics; recall: improved recall, k = 3 (arXiv:1904.06991). Empty cells were not measured.");
        table.AddFootnote("Time: warm median wall clock to draw 100 samples on this machine (ms_per_1000 / 10,000). The paper timed a GPU: compare ratios, not absolute values.");
        AddExtractorNote(table, results);
        return table;
    }

    private static ResultsTable Ablation(IReadOnlyList<RunResult> results)
    {
        var present = results.SelectMany(r => r.Metrics.Keys).Where(k => !Hidden.Contains(k)).ToHashSet(StringComparer.Ordinal);
        var known = Known.Where(m => present.Contains(m.Key)).ToList();
        var others = present.Except(Known.Select(m => m.Key)).OrderBy(k => k, StringComparer.Ordinal)
            .Select(k => (Key: k, Header: k, Format: "G4")).ToList();
        var metrics = known.Concat(others).ToList();
        var columns = new List<TableColumn> { TableColumn.Text("Variant"), TableColumn.Number("NFE", "0") };
        columns.AddRange(metrics.Select(m => TableColumn.Number(m.Header, m.Format)));
        columns.Add(TableColumn.Number("ms / 1,000 samples", "0.0"));
        var table = new ResultsTable(columns);
        foreach (var r in results)
        {
            var cells = new List<object?> { RowLabel(r, results), r.Nfe };
            cells.AddRange(metrics.Select(m => m.Key == MetricKeys.ModesCovered ? Modes(r) : (object?)r.Metric(m.Key)));
            cells.Add(r.MsPer1000);
            table.AddRow(cells.ToArray());
        }
        table.AddFootnote("Ablation layout: one row per variant and sampling request, one column per metric any run reported; empty cells were not measured.");
        AddExtractorNote(table, results);
        return table;
    }

    private static ResultsTable Trilemma(IReadOnlyList<RunResult> results)
    {
        var quality = TrilemmaMetrics.QualityAxis(results);
        var coverage = TrilemmaMetrics.CoverageAxis(results);
        var table = new ResultsTable([
            TableColumn.Text("Method"), TableColumn.Text("Sampling"), TableColumn.Number("NFE", "0"),
            TableColumn.Number(quality?.Label ?? "Quality", quality?.Key == MetricKeys.Fid ? "0.00" : quality?.Key == MetricKeys.Kid ? "0.000" : quality?.Key == MetricKeys.GaussMmd2 ? "0.00000" : "0.0000"),
            TableColumn.Number(coverage?.Label ?? "Coverage", "0.00"), TableColumn.Number("ms / 1,000 samples ↓", "0.0"),
        ]);
        foreach (var r in results)
        {
            object? cover = coverage?.Key == MetricKeys.ModesCovered ? Modes(r) : coverage is null ? null : r.Metric(coverage.Key);
            table.AddRow(r.Method, r.Eval, r.Nfe, quality is null ? null : r.Metric(quality.Key), cover, r.MsPer1000);
        }
        table.AddFootnote("The generative trilemma (DDGAN, arXiv:2112.07804): sample quality, mode coverage, sampling speed. Time: warm median wall clock on this machine.");
        AddExtractorNote(table, results);
        return table;
    }

    /// <summary>"method", or "method (eval)" when the method appears with several sampling requests.</summary>
    public static string RowLabel(RunResult r, IReadOnlyList<RunResult> all)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(all);
        return all.Count(o => o.Method == r.Method) > 1 && r.Eval.Length > 0 ? $"{r.Method} ({r.Eval})" : r.Method;
    }

    private static string? Modes(RunResult r) =>
        r.Metric(MetricKeys.ModesCovered) is not { } covered ? null
        : r.Metric(MetricKeys.NumModes) is { } total ? string.Create(CultureInfo.InvariantCulture, $"{covered:0}/{total:0}")
        : covered.ToString("0", CultureInfo.InvariantCulture);

    private static void AddExtractorNote(ResultsTable table, IReadOnlyList<RunResult> results)
    {
        var extractors = results.Select(r => r.Notes.GetValueOrDefault(MetricKeys.FeatureExtractor)).OfType<string>().Distinct().ToList();
        if (extractors.Count > 0) table.AddFootnote("Feature extractor: " + string.Join(", ", extractors) + (extractors.Count > 1 ? " (mixed: values are not comparable across extractors)" : "") + ".");
    }
}
