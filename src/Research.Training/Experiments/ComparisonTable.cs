using Research.Evaluation.Metrics;
using Research.Evaluation.Tables;

namespace Research.Training.Experiments;

/// <summary>
/// The main comparison table: method, sampling, NFE, the quality metrics of the data kind, ms per 1,000 samples.
/// 2-D rows: modes covered, high-quality %, Fréchet distance, MMD², and in requested mode % when a request asked for
/// labels. Image rows: FID, KID, precision, recall (IS and requested class % when measured). A table holding both kinds
/// shows both groups. A column appears only when some row can fill it; metric names are <see cref="MetricKeys"/>.
/// </summary>
public static class ComparisonTable
{
    /// <summary>Builds the table from evaluated rows; footnotes state the evaluation settings.</summary>
    public static ResultsTable Build(IReadOnlyList<ResultRow> rows)
    {
        bool anyImage = rows.Any(IsImageRow);
        bool anyTwoD = !anyImage || rows.Any(r => !IsImageRow(r));
        bool anyIs = rows.Any(r => r.Metrics.ContainsKey(MetricKeys.InceptionScore));
        bool anyImageGuided = rows.Any(r => IsImageRow(r) && r.Metrics.ContainsKey(MetricKeys.GuidedAccuracyPct));
        bool anyTwoDGuided = rows.Any(r => !IsImageRow(r) && r.Metrics.ContainsKey(MetricKeys.GuidedAccuracyPct));
        bool anyImageModes = rows.Any(r => IsImageRow(r) && r.Metrics.ContainsKey(MetricKeys.ModesCovered));
        bool anyFeatures = rows.Any(r => IsImageRow(r) && r.Metrics.ContainsKey(MetricKeys.Fid));
        bool anyStackedJudged = rows.Any(r => IsImageRow(r) && r.Metrics.ContainsKey(MetricKeys.StackedRecognisablePct));
        // Judge columns (issue 20): shown when some row has them.
        var judge = JudgeColumns.Where(c => rows.Any(r => r.Metrics.ContainsKey(c.Key))).ToList();
        var columns = new List<TableColumn> { TableColumn.Text("method"), TableColumn.Text("sampling"), TableColumn.Number("NFE", "0") };
        if (anyTwoD)
        {
            columns.AddRange([
                TableColumn.Number("modes covered"), TableColumn.Number("high-quality %", "0.0"), .. InsideModeColumns,
                TableColumn.Number("Fréchet distance", "0.0000"), TableColumn.Number("MMD²", "0.00000"),
            ]);
            if (anyTwoDGuided) columns.Add(TableColumn.Number("in requested mode %", "0.0"));
        }
        if (anyImage)
        {
            if (anyImageModes) columns.AddRange([TableColumn.Number("modes covered"), TableColumn.Number("mode KL", "0.0000")]);
            if (anyStackedJudged) columns.AddRange([TableColumn.Number("recognisable (3 ch) %", "0.00"), TableColumn.Number("recognisable modes")]);
            // Feature-space columns only when some row was scored by a feature extractor (a StackedMNIST mode count needs none).
            if (anyFeatures)
                columns.AddRange([
                    TableColumn.Number("fid", "0.00"), TableColumn.Number("kid", "0.00000"),
                    TableColumn.Number("precision", "0.000"), TableColumn.Number("recall", "0.000"),
                ]);
            if (anyIs) columns.Add(TableColumn.Number("is", "0.00"));
            if (anyImageGuided) columns.Add(TableColumn.Number("requested class %", "0.0"));
            columns.AddRange(judge.Select(c => TableColumn.Number(c.Header, c.Format)));
        }
        columns.Add(TableColumn.Number("ms / 1,000 samples", "0.0"));
        var table = new ResultsTable(columns);
        foreach (var r in rows)
        {
            var m = r.Metrics;
            var cells = new List<object?> { r.Method, r.Sampling, r.Nfe };
            if (anyTwoD)
            {
                string modes = m.TryGetValue(MetricKeys.ModesCovered, out var mc) ? $"{mc}/{m[MetricKeys.NumModes]}" : "n/a";
                cells.AddRange([modes, m.GetValueOrDefault(MetricKeys.HighQualityPct), .. InsideModeKeys.Select(k => m.GetValueOrDefault(k)),
                    m.GetValueOrDefault(MetricKeys.Frechet2D),
                    m.GetValueOrDefault(MetricKeys.Mmd2)]);
                if (anyTwoDGuided) cells.Add(IsImageRow(r) ? null : m.GetValueOrDefault(MetricKeys.GuidedAccuracyPct));
            }
            if (anyImage)
            {
                if (anyImageModes)
                    cells.AddRange([IsImageRow(r) && m.TryGetValue(MetricKeys.ModesCovered, out var covered) ? $"{covered}/{m[MetricKeys.NumModes]}" : null,
                        IsImageRow(r) ? m.GetValueOrDefault(MetricKeys.ModeKl) : null]);
                if (anyStackedJudged)
                    cells.AddRange([IsImageRow(r) ? m.GetValueOrDefault(MetricKeys.StackedRecognisablePct) : null,
                        IsImageRow(r) ? m.GetValueOrDefault(MetricKeys.RecognisableModesCovered) : null]);
                if (anyFeatures)
                    cells.AddRange([m.GetValueOrDefault(MetricKeys.Fid), m.GetValueOrDefault(MetricKeys.Kid),
                        m.GetValueOrDefault(MetricKeys.Precision), m.GetValueOrDefault(MetricKeys.Recall)]);
                if (anyIs) cells.Add(m.GetValueOrDefault(MetricKeys.InceptionScore));
                if (anyImageGuided) cells.Add(IsImageRow(r) ? m.GetValueOrDefault(MetricKeys.GuidedAccuracyPct) : null);
                cells.AddRange(judge.Select(c => m.GetValueOrDefault(c.Key)));
            }
            cells.Add(r.MsPer1000);
            table.AddRow([.. cells]);
        }
        foreach (var note in rows.Select(r => r.Metrics.GetValueOrDefault(MetricKeys.ModeFootnote) as string).Where(n => n != null).Distinct())
            table.AddFootnote("Mode metrics — " + note);
        if (anyTwoD && rows.Any(r => !IsImageRow(r)))
            table.AddFootnote(InsideModeFootnote);
        if (anyTwoD && rows.Any(r => !IsImageRow(r)))
            table.AddFootnote("Fréchet distance: on raw 2-D coordinates (SIDDM's \"FID\"); MMD²: unbiased, kernel (⟨x,y⟩/2+1)², standardised by the real data (docs/methods.md §7.5).");
        if (anyTwoDGuided)
            table.AddFootnote("in requested mode %: samples whose nearest mode is the requested label (labels cycle over the 25 modes; chance 4 %).");
        if (anyImageGuided)
            table.AddFootnote("requested class %: samples that the evaluation CNN (trained apart from any guiding classifier) assigns to the requested class.");
        foreach (var note in rows.Where(r => r.Metrics.ContainsKey(MetricKeys.Fid)).Select(ImageFootnote).Distinct())
            table.AddFootnote(note);
        if (anyImageModes)
            table.AddFootnote("StackedMNIST modes: the MNIST classifier (" + string.Join(", ", rows.Select(r => r.Metrics.GetValueOrDefault(MetricKeys.ModeClassifierHash)).OfType<object>().Distinct()) +
                ") reads a digit per channel; mode = 100·R + 10·G + B; covered = modes with ≥ 1 sample; mode KL = KL(p̂‖uniform) over the 1000 modes, in nats " +
                "(ln 1000 ≈ 6.908 = one mode; DDGAN Table 3's protocol; docs/metrics.md).");
        if (anyStackedJudged)
            table.AddFootnote("recognisable (3 ch) %: samples whose three channels that classifier all reads with confidence ≥ τ (" +
                string.Join(", ", rows.Where(r => r.Metrics.ContainsKey(MetricKeys.StackedRecognisablePct))
                    .Select(r => r.Metrics.GetValueOrDefault(MetricKeys.RecognisableThreshold)).OfType<object>().Distinct()) +
                "), i.e. three digits rather than strokes its argmax assigns to some digit; recognisable modes: modes covered by those samples alone.");
        if (judge.Count > 0)
            table.AddFootnote("recognisable %: samples the evaluation CNN (the judge) classifies with confidence ≥ τ (" +
                string.Join(", ", rows.Select(r => r.Metrics.GetValueOrDefault(MetricKeys.RecognisableThreshold)).OfType<object>().Distinct()) +
                "; real test images: 90 %); class KL: KL of its predicted-class histogram from uniform, in nats (ln 10 ≈ 2.303 = one class); " +
                "diversity: mean pairwise feature distance within each requested class (docs/metrics.md).");
        if (rows.Any(r => IsImageRow(r) && !r.Metrics.ContainsKey(MetricKeys.Fid)))
            table.AddFootnote("Image rows without fid/kid/precision/recall had no feature extractor (evaluation.features): grid and timing only.");
        if (Diverged(rows) is { Count: > 0 } diverged)
            table.AddFootnote("Diverged (non-finite samples or metrics, shown as NaN / inf): " + string.Join("; ", diverged) + ".");
        table.AddFootnote("ms / 1,000 samples: wall clock of one sampling call (median of the timed repeats after a warm-up) divided by the sample count.");
        return table;
    }

    /// <summary>
    /// The rows with a NaN or ±Inf metric (a diverged model's samples), each as <c>method / sampling (keys)</c>; the
    /// table shows their values as NaN / inf and says so in a footnote, and the commands print these as warnings.
    /// </summary>
    public static IReadOnlyList<string> Diverged(IReadOnlyList<ResultRow> rows) =>
        rows.Select(r => (Row: r, Keys: SampleEvaluator.NonFiniteKeys(r.Metrics, r.MsPer1000)))
            .Where(p => p.Keys.Count > 0)
            .Select(p => $"{p.Row.Method} / {p.Row.Sampling} ({string.Join(", ", p.Keys)})")
            .ToList();

    // 2-D metrics that see inside modes (docs/methods.md §7.5), before the whole-mixture Fréchet distance and MMD².
    private static readonly string[] InsideModeKeys = [MetricKeys.ModeKl, MetricKeys.CovError, MetricKeys.CovErrorMax, MetricKeys.GaussMmd2, MetricKeys.SlicedW1];
    private static readonly TableColumn[] InsideModeColumns =
    [
        TableColumn.Number("mode KL", "0.0000"), TableColumn.Number("cov error", "0.000"), TableColumn.Number("cov error max", "0.000"),
        TableColumn.Number("Gaussian MMD²", "0.00000"), TableColumn.Number("sliced W1", "0.0000"),
    ];
    private const string InsideModeFootnote =
        "mode KL: KL(q‖uniform) of the on-mode sample counts (within 3σ of the nearest mean; DDGAN's StackedMNIST protocol); " +
        "cov error: ‖Σ̂ₖ − Σₖ‖_F/σ² per mode with ≥ 3 samples, mean and max over modes; Gaussian MMD²: unbiased, bandwidth σ; " +
        "sliced W1: 128 directions; both against a fresh real subset of the same size (docs/methods.md §7.5).";

    private static readonly (string Key, string Header, string Format)[] JudgeColumns =
    [
        (MetricKeys.KidStd, "kid sd", "0.00000"), (MetricKeys.RecognisablePct, "recognisable %", "0.0"),
        (MetricKeys.ClassKl, "class KL", "0.000"), (MetricKeys.IntraClassDiversity, "diversity", "0.000"),
    ];

    // Image rows always name their extractor ("none" without one); 2-D rows never do.
    private static bool IsImageRow(ResultRow r) => r.Metrics.ContainsKey(MetricKeys.FeatureExtractor);

    private static string ImageFootnote(ResultRow r)
    {
        var m = r.Metrics;
        return $"fid / kid / precision / recall: features of {m[MetricKeys.FeatureExtractor]} ({m.GetValueOrDefault(MetricKeys.FeatureExtractorHash)}), " +
               $"{m.GetValueOrDefault(MetricKeys.ReferenceImages)} reference images vs the row's samples; KID over 100 subsets of " +
               $"{m.GetValueOrDefault(MetricKeys.KidSubsetSize)}, precision/recall with k = {m.GetValueOrDefault(MetricKeys.PrecisionRecallK, 3)} (docs/methods.md §7.4).";
    }
}
