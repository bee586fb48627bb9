using System.Globalization;
using ScottPlot;

namespace Research.Evaluation.Reports;

/// <summary>
/// The trilemma figure as a PNG: sample quality (FID, or the 2-D Fréchet distance) against sampling time on a log
/// axis, marker area growing with mode coverage (recall, or the fraction of modes covered), one colour per method and
/// a label per point. Points towards the lower left are fast and good; large markers cover the data.
/// </summary>
/// <remarks>DDGAN (arXiv:2112.07804), §1 and Fig. 1: the generative learning trilemma.</remarks>
public static class TrilemmaPlot
{
    private static readonly Color NoCoverage = Color.FromHex("#7F7F7F");
    private const string FontName = "DejaVu Sans"; // installed with fonts-dejavu-core (docs/toolchain.md, "Plotting fonts")

    /// <summary>
    /// Draws every result that has a quality value and a positive time and saves a PNG at <paramref name="path"/>
    /// (folder created). Returns the full path. <see cref="ArgumentException"/> if no result can be placed.
    /// With <paramref name="meanOverSeeds"/>, a sweep's seeds of one variant and request are one point at their mean
    /// with a vertical bar of ± one sample standard deviation of the quality metric (<see cref="SeedGroup"/>).
    /// </summary>
    public static string Write(string path, IReadOnlyList<RunResult> results, TrilemmaPlotOptions? options = null, bool meanOverSeeds = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(results);
        options ??= new TrilemmaPlotOptions();
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        var quality = TrilemmaMetrics.QualityAxis(results)
                      ?? throw new ArgumentException("No run reported a quality metric (fid or frechet); nothing to plot.", nameof(results));
        var coverage = TrilemmaMetrics.CoverageAxis(results);
        var points = Points(results, meanOverSeeds);
        if (points.Count == 0) throw new ArgumentException($"No run has both {quality.Key} and a positive ms_per_1000; nothing to plot.", nameof(results));

        // Quality values spanning more than ~1.5 decades (a 1000-step DDPM next to a 4-step GAN) go on a log axis, so
        // the good methods are not squashed against zero.
        var qualities = points.Select(p => p.Quality).ToList();
        bool logY = qualities.All(q => q > 0) && qualities.Max() / qualities.Min() > 30;
        double Y(double q) => logY ? Math.Log10(Math.Max(q, qualities.Min() / 10)) : q;

        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var methods = points.Select(p => p.Result.Method).Distinct().ToList();
        var labels = new List<LabelPlacer.Item>();
        foreach (var point in points)
        {
            var r = point.Result;
            var color = palette.GetColor(methods.IndexOf(r.Method));
            double x = Math.Log10(r.MsPer1000!.Value), y = Y(point.Quality);
            if (point.QualitySd is > 0 and var sd)
            {
                var bar = plot.Add.Line(x, Y(point.Quality - sd), x, Y(point.Quality + sd));
                bar.LineColor = color;
                bar.LineWidth = 2;
            }
            var cover = coverage is null ? null : TrilemmaMetrics.Coverage(r, coverage);
            var size = cover is { } c ? options.MinMarkerSize + (float)Math.Clamp(c, 0, 1) * (options.MaxMarkerSize - options.MinMarkerSize) : options.MinMarkerSize;
            var marker = plot.Add.Marker(x, y, cover is null ? MarkerShape.OpenCircle : MarkerShape.FilledCircle, size, color.WithAlpha(0.7));
            marker.MarkerLineColor = color;
            marker.MarkerLineWidth = 1.5f;
            var text = PointLabel(point, points.Select(p => p.Result).ToList(), cover, coverage);
            var label = plot.Add.Text(text, x, y);
            label.LabelFontSize = 13;
            label.LabelFontColor = Colors.Black;
            label.LabelFontName = FontName;
            labels.Add(new LabelPlacer.Item(label, text, new Coordinates(x, y), size / 2));
        }

        StyleAxes(plot, points, logY);
        StyleAxisLabels(plot, quality, logY, meanOverSeeds);
        plot.Title(options.Title ?? "The generative trilemma: quality vs sampling time" + (coverage is null ? "" : $" (marker size: {CoverageName(coverage)})"));
        AddLegend(plot, methods, palette, coverage, options);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        plot.Font.Set(FontName); // axes and title; labels and legend name it themselves. ScottPlot falls back if it is absent.
        LabelPlacer.Place(plot, labels, options.WidthPixels, options.HeightPixels);
        plot.SavePng(full, options.WidthPixels, options.HeightPixels);
        return full;
    }

    /// <summary>
    /// The points the figure draws, in order: every result with a finite quality value and a positive time, or with
    /// <paramref name="meanOverSeeds"/> one per <see cref="SeedGroup"/> (the members' mean metrics and time, the quality's
    /// sample sd as <see cref="TrilemmaPoint.QualitySd"/>; a metric some seeds lack is averaged over those that have it).
    /// </summary>
    public static IReadOnlyList<TrilemmaPoint> Points(IReadOnlyList<RunResult> results, bool meanOverSeeds = false)
    {
        ArgumentNullException.ThrowIfNull(results);
        if (TrilemmaMetrics.QualityAxis(results) is not { } quality) return [];
        var candidates = meanOverSeeds
            ? SeedGroup.Aggregate(results).Select(g => (Result: g.MeanResult(), Sd: g.Metric(quality.Key) is { Count: > 1 } s ? s.Sd : (double?)null, Seeds: g.Runs.Count))
            : results.Select(r => (Result: r, Sd: (double?)null, Seeds: 1));
        return candidates
            .Where(c => c.Result.Metric(quality.Key) is { } q && double.IsFinite(q) && c.Result.MsPer1000 is > 0)
            .Select(c => new TrilemmaPoint(c.Result, c.Result.Metric(quality.Key)!.Value, c.Sd, c.Seeds))
            .ToList();
    }

    /// <summary>"method (request) · NFE n · coverage · k seeds" (the request is named when the method has several points).</summary>
    private static string PointLabel(TrilemmaPoint point, IReadOnlyList<RunResult> all, double? cover, TrilemmaAxis? coverage)
    {
        var r = point.Result;
        var parts = new List<string> { PaperTables.RowLabel(r, all) };
        if (r.Nfe is { } nfe) parts.Add(string.Create(CultureInfo.InvariantCulture, $"NFE {nfe}"));
        if (cover is { } c && coverage is not null)
            parts.Add(coverage.Key == Metrics.MetricKeys.ModesCovered
                ? string.Create(CultureInfo.InvariantCulture, $"{r.Metric(Metrics.MetricKeys.ModesCovered):0.#}/{r.Metric(Metrics.MetricKeys.NumModes):0} modes")
                : string.Create(CultureInfo.InvariantCulture, $"recall {c:0.00}"));
        if (point.Seeds > 1) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{point.Seeds} seeds"));
        return string.Join(" · ", parts);
    }

    private static void StyleAxes(Plot plot, IReadOnlyList<TrilemmaPoint> points, bool logY)
    {
        var xs = points.Select(p => Math.Log10(p.Result.MsPer1000!.Value)).ToList();
        var ys = points.Select(p => p.Quality).Select(q => logY ? Math.Log10(q) : q).ToList();
        double left = Math.Floor(xs.Min() - 0.15), right = Math.Ceiling(xs.Max() + 0.15);
        // Room on the right for labels (the placer moves labels that would leave the frame).
        double labelRoom = Math.Max(0.4, (right - left) * 0.15);
        double span = Math.Max(ys.Max() - ys.Min(), Math.Max(Math.Abs(ys.Max()) * 0.1, 1e-6));
        plot.Axes.SetLimits(left, xs.Max() + labelRoom, logY ? ys.Min() - 0.12 * span : Math.Max(0, ys.Min() - 0.12 * span),
            ys.Max() + 0.15 * span);

        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int e = (int)left; e <= (int)Math.Ceiling(xs.Max() + labelRoom); e++)
        {
            ticks.AddMajor(e, FormatDecade(e));
            for (int m = 2; m <= 9; m++) ticks.AddMinor(e + Math.Log10(m));
        }
        plot.Axes.Bottom.TickGenerator = ticks;
        if (logY)
        {
            var yTicks = new ScottPlot.TickGenerators.NumericManual();
            for (int e = (int)Math.Floor(ys.Min() - 0.12 * span); e <= (int)Math.Ceiling(ys.Max() + 0.15 * span); e++)
            {
                yTicks.AddMajor(e, FormatDecade(e));
                for (int m = 2; m <= 9; m++) yTicks.AddMinor(e + Math.Log10(m));
            }
            plot.Axes.Left.TickGenerator = yTicks;
        }
    }

    private static void StyleAxisLabels(Plot plot, TrilemmaAxis quality, bool logY, bool meanOverSeeds)
    {
        plot.XLabel("Sampling time: ms per 1,000 samples (log scale; left is faster)");
        plot.YLabel(quality.Label + (logY ? " (log scale; lower is better)" : " (lower is better)") + (meanOverSeeds ? "; mean ± sd over seeds" : ""));
        plot.Axes.Bottom.Label.FontSize = 15;
        plot.Axes.Left.Label.FontSize = 15;
    }

    private static void AddLegend(Plot plot, IReadOnlyList<string> methods, ScottPlot.Palettes.Category10 palette, TrilemmaAxis? coverage, TrilemmaPlotOptions options)
    {
        for (int i = 0; i < methods.Count; i++)
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = methods[i], MarkerShape = MarkerShape.FilledCircle, MarkerSize = 12,
                MarkerFillColor = palette.GetColor(i).WithAlpha(0.7), MarkerLineColor = palette.GetColor(i),
            });
        if (coverage is not null)
            foreach (var c in new[] { 0.25, 1.0 })
                plot.Legend.ManualItems.Add(new LegendItem
                {
                    LabelText = coverage.Key == Metrics.MetricKeys.ModesCovered
                        ? (c == 1.0 ? "all modes covered" : string.Create(CultureInfo.InvariantCulture, $"{c:P0} of modes covered"))
                        : string.Create(CultureInfo.InvariantCulture, $"recall {c:0.00}"),
                    MarkerShape = MarkerShape.FilledCircle,
                    MarkerSize = options.MinMarkerSize + (float)c * (options.MaxMarkerSize - options.MinMarkerSize),
                    MarkerFillColor = NoCoverage.WithAlpha(0.4), MarkerLineColor = NoCoverage,
                });
        plot.Legend.FontName = FontName;
        plot.ShowLegend(Edge.Right);
    }

    private static string CoverageName(TrilemmaAxis coverage) =>
        coverage.Key == Metrics.MetricKeys.ModesCovered ? "fraction of modes covered" : "recall";

    private static string FormatDecade(int exponent) =>
        Math.Pow(10, exponent).ToString(exponent < 0 ? "0.#########" : "#,0", CultureInfo.InvariantCulture);
}
