using Research.Evaluation.Tables;

namespace Research.Training.Experiments;

/// <summary>The main comparison table: method, NFE, modes covered, high-quality %, Fréchet distance, MMD², ms per 1,000 samples.</summary>
public static class ComparisonTable
{
    /// <summary>Builds the table from evaluated rows; footnotes state the evaluation settings.</summary>
    public static ResultsTable Build(IReadOnlyList<ResultRow> rows)
    {
        var table = new ResultsTable([
            TableColumn.Text("method"), TableColumn.Text("sampling"), TableColumn.Number("NFE", "0"),
            TableColumn.Number("modes covered"), TableColumn.Number("high-quality %", "0.0"),
            TableColumn.Number("Fréchet distance", "0.0000"), TableColumn.Number("MMD²", "0.00000"),
            TableColumn.Number("in requested mode %", "0.0"),
            TableColumn.Number("ms / 1,000 samples", "0.0"),
        ]);
        foreach (var r in rows)
        {
            var m = r.Metrics;
            string modes = m.TryGetValue("modes_covered", out var mc) ? $"{mc}/{m["num_modes"]}" : "n/a";
            table.AddRow(r.Method, r.Sampling, r.Nfe, modes, m.GetValueOrDefault("high_quality_pct"),
                m.GetValueOrDefault("frechet"), m.GetValueOrDefault("mmd2"), m.GetValueOrDefault("guided_accuracy_pct"), r.MsPer1000);
        }
        foreach (var note in rows.Select(r => r.Metrics.GetValueOrDefault("mode_footnote") as string).Where(n => n != null).Distinct())
            table.AddFootnote("Mode metrics — " + note);
        table.AddFootnote("Fréchet distance: on raw 2-D coordinates (SIDDM's \"FID\"); MMD²: unbiased, kernel (⟨x,y⟩/2+1)², standardised by the real data (methods.md §9).");
        if (rows.Any(r => r.Metrics.ContainsKey("guided_accuracy_pct")))
            table.AddFootnote("in requested mode %: samples whose nearest mode is the requested label (labels cycle over the 25 modes; chance 4 %).");
        table.AddFootnote("ms / 1,000 samples: wall clock of one sampling call (median of the timed repeats after a warm-up) divided by the sample count.");
        return table;
    }
}
