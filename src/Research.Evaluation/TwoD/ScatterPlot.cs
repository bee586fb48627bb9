using System.Globalization;
using Research.Data.TwoD;
using ScottPlot;
using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>
/// Writes a PNG scatter plot of generated 2-D samples (small dark dots) over the real data (light grey), with the
/// mode means marked when the data set has them. Axis limits come from the real data only, so figures of
/// different methods on the same data set share one frame; samples outside it are counted in the subtitle.
/// </summary>
public static class ScatterPlot
{
    private static readonly Color ReferenceColor = Color.FromHex("#C8C8C8");
    private static readonly Color SampleColor = Color.FromHex("#1F4E99");
    private static readonly Color ModeColor = Color.FromHex("#D62728");

    /// <summary>
    /// Renders <paramref name="samplesDataSpace"/> (<c>[N, 2]</c>, data space) over <paramref name="reference"/> and
    /// saves a PNG at <paramref name="path"/> (its folder is created). Returns the full path written.
    /// </summary>
    public static string Write(string path, Tensor samplesDataSpace, PointSet2D reference, string title, ScatterPlotOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(samplesDataSpace);
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(title);
        options ??= new ScatterPlotOptions();
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        TwoDShapes.RequirePoints(samplesDataSpace, nameof(samplesDataSpace), minRows: 0);

        var (refX, refY) = Columns(reference.Points, options.MaxReferencePoints);
        var (sampleX, sampleY) = Columns(samplesDataSpace, options.MaxSamplePoints);
        var limits = SquareLimits(reference.Points, options.Margin);
        var outside = CountOutside(samplesDataSpace, limits);

        var plot = new Plot();
        var real = plot.Add.ScatterPoints(refX, refY, ReferenceColor);
        real.MarkerSize = 2;
        real.LegendText = $"real ({reference.Name})";
        var generated = plot.Add.ScatterPoints(sampleX, sampleY, SampleColor);
        generated.MarkerSize = options.SampleMarkerSize;
        generated.LegendText = "samples";
        if (reference.Modes is { } modes)
        {
            var means = plot.Add.Markers(modes.Means.Select(m => m.X).ToArray(), modes.Means.Select(m => m.Y).ToArray(),
                MarkerShape.Cross, 9, ModeColor);
            means.LegendText = "mode means";
        }

        var n = samplesDataSpace.shape[0];
        plot.Title(title);
        plot.XLabel(string.Create(CultureInfo.InvariantCulture,
            $"n = {n:N0} samples{(n > sampleX.Length ? $" ({sampleX.Length:N0} drawn)" : "")}; {outside:N0} outside the frame"));
        plot.Axes.SetLimits(limits.Left, limits.Right, limits.Bottom, limits.Top);
        plot.ShowLegend(Edge.Bottom);

        var fullPath = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(fullPath)!);
        plot.SavePng(fullPath, options.WidthPixels, options.HeightPixels);
        return fullPath;
    }

    /// <summary>Every k-th row (k = ⌈N / max⌉) as two float64 arrays; non-finite rows are dropped.</summary>
    private static (double[] X, double[] Y) Columns(Tensor points, int max)
    {
        var n = points.shape[0];
        if (n == 0) return ([], []);
        var step = (n + max - 1) / max;
        using var scope = NewDisposeScope();
        var picked = points.slice(0, 0, n, step).to(float64, CPU).contiguous(); // [≤ max, 2]
        var flat = picked.data<double>().ToArray();
        var xs = new List<double>(flat.Length / 2);
        var ys = new List<double>(flat.Length / 2);
        for (var i = 0; i < flat.Length; i += 2)
        {
            if (!double.IsFinite(flat[i]) || !double.IsFinite(flat[i + 1])) continue;
            xs.Add(flat[i]);
            ys.Add(flat[i + 1]);
        }
        return (xs.ToArray(), ys.ToArray());
    }

    /// <summary>The real data's bounding box grown to a square about its centre, plus the margin on each side.</summary>
    private static AxisLimits SquareLimits(Tensor points, double margin)
    {
        using var scope = NewDisposeScope();
        var p = points.to(float64);
        var min = p.amin([0L]).data<double>().ToArray();
        var max = p.amax([0L]).data<double>().ToArray();
        var half = Math.Max(Math.Max(max[0] - min[0], max[1] - min[1]) / 2 * (1 + 2 * margin), 1e-6);
        var (cx, cy) = ((min[0] + max[0]) / 2, (min[1] + max[1]) / 2);
        return new AxisLimits(cx - half, cx + half, cy - half, cy + half);
    }

    private static long CountOutside(Tensor samples, AxisLimits limits)
    {
        if (samples.shape[0] == 0) return 0;
        using var scope = NewDisposeScope();
        var s = samples.to(float64);
        var x = s.select(1, 0);
        var y = s.select(1, 1);
        var inside = x.ge(limits.Left).logical_and(x.le(limits.Right)).logical_and(y.ge(limits.Bottom)).logical_and(y.le(limits.Top));
        return samples.shape[0] - inside.sum().item<long>();
    }
}
