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
        (MetricKeys.StackedRecognisablePct, "Recognisable (3 ch) % ↑", "0.00"), (MetricKeys.RecognisableModesCovered, "Recognisable modes ↑", "0"),
        (MetricKeys.PeakRssMiB, "Peak RSS (MiB)", "0"),
        (MetricKeys.RecognisablePct, "Recognisable % ↑", "0.0"), (MetricKeys.ClassKl, "Class KL ↓", "0.000"), (MetricKeys.IntraClassDiversity, "Diversity ↑", "0.000"),
    ];

    /// <summary>Keys never shown as ablation columns (folded into other cells or bookkeeping).</summary>
    private static readonly HashSet<string> Hidden =
        [MetricKeys.NumModes, MetricKeys.NumSamples, MetricKeys.ReferenceImages, MetricKeys.KidSubsetSize,
         MetricKeys.RecognisableThreshold, MetricKeys.PrecisionRecallK, MetricKeys.ModeClassifierAccuracy];

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

    /// <summary>
    /// The table of <paramref name="results"/> in <paramref name="layout"/>: one row per evaluation, or with
    /// <paramref name="meanOverSeeds"/> one row per sweep variant and sampling request whose cells are the mean ± sample
    /// standard deviation over its seeds (<see cref="SeedGroup.Aggregate"/>) and a Seeds column listing them.
    /// </summary>
    public static ResultsTable Build(TableLayout layout, IReadOnlyList<RunResult> results, bool meanOverSeeds = false)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (results.Count == 0) throw new ArgumentException("No evaluated runs to tabulate.", nameof(results));
        // Over seeds, the real-data rows (NFE 0: the same reference for every variant) go last, after every model row.
        var rows = meanOverSeeds
            ? SeedGroup.Aggregate(results).Select(Row.Of).OrderBy(r => r.Nfe == 0).ToList()
            : results.Select(Row.Of).ToList();
        var table = layout switch
        {
            TableLayout.DdganTable1 => DdganTable1(rows, meanOverSeeds),
            TableLayout.Ablation => Ablation(rows, meanOverSeeds, results),
            TableLayout.Trilemma => Trilemma(rows, results, meanOverSeeds),
            _ => throw new ArgumentOutOfRangeException(nameof(layout)),
        };
        AddExtractorNote(table, results);
        if (meanOverSeeds)
            table.AddFootnote("Cells: mean ± sample standard deviation (n − 1) over the seeds listed; a row with one seed shows its value. " +
                              "A difference inside the seed spread is not distinguished.");
        foreach (var note in results.Select(r => r.Notes.GetValueOrDefault(MetricKeys.ModeFootnote)).OfType<string>().Distinct())
            table.AddFootnote("Mode metrics — " + note);
        return table;
    }

    /// <summary>One table row: an evaluation (cells are numbers) or a seed group (cells are <see cref="SeedStatistic"/>).</summary>
    private sealed record Row(string Method, string Eval, int? Nfe, object? MsPer1000, string? Modes, string Seeds, Func<string, object?> Metric)
    {
        public static Row Of(RunResult r) =>
            new(r.Method, r.Eval, r.Nfe, r.MsPer1000, PaperTables.Modes(r), r.Seed?.ToString(CultureInfo.InvariantCulture) ?? "", k => r.Metric(k));

        // A time with no spread over the seeds is one shared measurement ('research table --timing': one bench value per
        // request, given to every seed), shown as that value, not as "± 0".
        public static Row Of(SeedGroup g) =>
            new(g.Variant, g.Eval, g.Nfe, g.MsPer1000 is { Sd: 0 } shared ? shared.Mean : g.MsPer1000, g.Modes(), string.Join(", ", g.Seeds.Select(x => x.ToString(CultureInfo.InvariantCulture))), k => g.Metric(k));

        /// <summary>The value divided by <paramref name="divisor"/> (a number or a statistic), or null.</summary>
        public static object? Scaled(object? value, double divisor) => value switch
        {
            double d => d / divisor,
            SeedStatistic s => s with { Mean = s.Mean / divisor, Sd = s.Sd / divisor },
            _ => null,
        };
    }

    private static ResultsTable DdganTable1(List<Row> rows, bool seeds)
    {
        var table = new ResultsTable(Columns(seeds, [
            TableColumn.Text("Method"), TableColumn.Number("IS ↑", "0.00"), TableColumn.Number("FID ↓", "0.00"),
            TableColumn.Number("Recall ↑", "0.00"), TableColumn.Number("NFE ↓", "0"), TableColumn.Number("Time (s / 100 samples) ↓", "0.000"),
        ]));
        foreach (var r in rows)
            table.AddRow(Cells(seeds, r, RowLabel(r, rows), r.Metric(MetricKeys.InceptionScore), r.Metric(MetricKeys.Fid), r.Metric(MetricKeys.Recall),
                r.Nfe, Row.Scaled(r.MsPer1000, 10_000)));
        table.AddFootnote("Layout of DDGAN Table 1 (arXiv:2112.07804). IS: 10 splits; FID against training-set statistics; recall: improved recall, k = 3 (arXiv:1904.06991). Empty cells were not measured.");
        table.AddFootnote("Time: warm median wall clock to draw 100 samples on this machine (ms_per_1000 / 10,000). The paper timed a GPU: compare ratios, not absolute values.");
        return table;
    }

    private static ResultsTable Ablation(List<Row> rows, bool seeds, IReadOnlyList<RunResult> results)
    {
        var present = results.SelectMany(r => r.Metrics.Keys).Where(k => !Hidden.Contains(k)).ToHashSet(StringComparer.Ordinal);
        var known = Known.Where(m => present.Contains(m.Key)).ToList();
        var others = present.Except(Known.Select(m => m.Key)).OrderBy(k => k, StringComparer.Ordinal)
            .Select(k => (Key: k, Header: k, Format: "G4")).ToList();
        var metrics = known.Concat(others).ToList();
        var columns = new List<TableColumn> { TableColumn.Text("Variant"), TableColumn.Number("NFE", "0") };
        columns.AddRange(metrics.Select(m => TableColumn.Number(m.Header, m.Format)));
        columns.Add(TableColumn.Number("ms / 1,000 samples", "0.0"));
        var table = new ResultsTable(Columns(seeds, columns));
        foreach (var r in rows)
        {
            var cells = new List<object?> { RowLabel(r, rows), r.Nfe };
            cells.AddRange(metrics.Select(m => m.Key == MetricKeys.ModesCovered ? r.Modes : r.Metric(m.Key)));
            cells.Add(r.MsPer1000);
            table.AddRow(Cells(seeds, r, [.. cells]));
        }
        table.AddFootnote("Ablation layout: one row per variant and sampling request, one column per metric any run reported; empty cells were not measured.");
        return table;
    }

    private static ResultsTable Trilemma(List<Row> rows, IReadOnlyList<RunResult> results, bool seeds)
    {
        var quality = TrilemmaMetrics.QualityAxis(results);
        var coverage = TrilemmaMetrics.CoverageAxis(results);
        var table = new ResultsTable(Columns(seeds, [
            TableColumn.Text("Method"), TableColumn.Text("Sampling"), TableColumn.Number("NFE", "0"),
            TableColumn.Number(quality?.Label ?? "Quality", quality?.Key == MetricKeys.Fid ? "0.00" : quality?.Key == MetricKeys.Kid ? "0.000" : quality?.Key == MetricKeys.GaussMmd2 ? "0.00000" : "0.0000"),
            TableColumn.Number(coverage?.Label ?? "Coverage", "0.00"), TableColumn.Number("ms / 1,000 samples ↓", "0.0"),
        ]));
        foreach (var r in rows)
        {
            object? cover = coverage?.Key == MetricKeys.ModesCovered ? r.Modes : coverage is null ? null : r.Metric(coverage.Key);
            table.AddRow(Cells(seeds, r, r.Method, r.Eval, r.Nfe, quality is null ? null : r.Metric(quality.Key), cover, r.MsPer1000));
        }
        table.AddFootnote("The generative trilemma (DDGAN, arXiv:2112.07804): sample quality, mode coverage, sampling speed. Time: warm median wall clock on this machine.");
        return table;
    }

    /// <summary>The layout's columns with a Seeds column after the first when rows are seed groups.</summary>
    private static List<TableColumn> Columns(bool seeds, List<TableColumn> columns) =>
        seeds ? [columns[0], TableColumn.Text("Seeds"), .. columns[1..]] : columns;

    /// <summary>The row's cells with the Seeds cell inserted after the first when the table has that column.</summary>
    private static object?[] Cells(bool seeds, Row row, params object?[] cells) =>
        seeds ? [cells[0], row.Seeds, .. cells[1..]] : cells;

    /// <summary>"method", or "method (eval)" when the method appears with several sampling requests.</summary>
    public static string RowLabel(RunResult r, IReadOnlyList<RunResult> all)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(all);
        return Label(r.Method, r.Eval, all.Select(o => o.Method));
    }

    private static string Label(string method, string eval, IEnumerable<string> methods) =>
        methods.Count(m => m == method) > 1 && eval.Length > 0 ? $"{method} ({eval})" : method;

    private static string RowLabel(Row r, List<Row> all) => Label(r.Method, r.Eval, all.Select(o => o.Method));

    private static string? Modes(RunResult r) =>
        r.Metric(MetricKeys.ModesCovered) is not { } covered ? null
        : r.Metric(MetricKeys.NumModes) is { } total ? string.Create(CultureInfo.InvariantCulture, $"{covered:0}/{total:0}")
        : covered.ToString("0", CultureInfo.InvariantCulture);

    private static void AddExtractorNote(ResultsTable table, IReadOnlyList<RunResult> results)
    {
        var extractors = results.Select(r => r.Notes.GetValueOrDefault(MetricKeys.FeatureExtractor)).OfType<string>().Distinct().ToList();
        if (extractors.Count > 0) table.AddFootnote("Feature extractor: " + string.Join(", ", extractors) + (extractors.Count > 1 ? " (mixed: values are not comparable across extractors)" : "") + ".");
        // StackedMNIST: which classifier counted the modes, its held-out accuracy and the τ behind the recognisable columns.
        var counters = results.Where(r => r.Notes.ContainsKey(MetricKeys.ModeClassifierHash))
            .Select(r => (Hash: r.Notes[MetricKeys.ModeClassifierHash], Accuracy: r.Metric(MetricKeys.ModeClassifierAccuracy),
                Tau: r.Metric(MetricKeys.StackedRecognisablePct) is null ? null : r.Metric(MetricKeys.RecognisableThreshold)))
            .Distinct().ToList();
        foreach (var (hash, accuracy, tau) in counters)
            table.AddFootnote(string.Create(CultureInfo.InvariantCulture,
                $"Modes counted by the MNIST classifier {hash}{(accuracy is { } a ? $" (test accuracy {a:0.0000})" : "")}: a digit per channel, mode = 100·R + 10·G + B") +
                (tau is { } t ? string.Create(CultureInfo.InvariantCulture, $"; recognisable (3 ch): all three channels read with confidence ≥ τ = {t:R}; recognisable modes: the modes those samples cover.") : "."));
    }
}
