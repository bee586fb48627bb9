using ScottPlot;
using ScottPlot.Plottables;

namespace Research.Evaluation.Reports;

/// <summary>
/// Greedy placement of point labels so they stay inside the data area and avoid each other and the markers: for
/// each label in turn, the candidate position (right, left, diagonals, above, below, then shifted rows) with the
/// least overlap wins. Works in pixels after one layout render of the finished plot.
/// </summary>
internal static class LabelPlacer
{
    private const float Gap = 4;

    /// <summary>One label to place: the text plottable, its marker's data position and the marker radius in pixels.</summary>
    internal sealed record Item(Text Label, string Content, Coordinates At, float Radius);

    /// <summary>Sets alignment and pixel offsets of every <paramref name="items"/> label for a <paramref name="width"/> × <paramref name="height"/> image.</summary>
    public static void Place(Plot plot, IReadOnlyList<Item> items, int width, int height)
    {
        plot.RenderInMemory(width, height);
        var area = plot.LastRender.DataRect;
        var frame = new Box(area.Left, area.Top, area.Right, area.Bottom);
        var anchors = items.Select(i => plot.GetPixel(i.At)).ToList();
        var markers = items.Select((i, k) => new Box(anchors[k].X - i.Radius, anchors[k].Y - i.Radius, anchors[k].X + i.Radius, anchors[k].Y + i.Radius)).ToList();
        var placed = new List<Box>();
        using var paint = Paint.NewDisposablePaint();
        for (int k = 0; k < items.Count; k++)
        {
            var item = items[k];
            var measured = item.Label.LabelStyle.Measure(item.Content, paint);
            (Alignment Alignment, float Dx, float Dy, Box Box, double Cost)? best = null;
            foreach (var (candidate, index) in Candidates(item.Radius, measured.Height).Select((c, i) => (c, i)))
            {
                var r = measured.Rect(candidate.Alignment);
                var box = new Box(anchors[k].X + candidate.Dx + r.Left, anchors[k].Y + candidate.Dy + r.Top,
                    anchors[k].X + candidate.Dx + r.Right, anchors[k].Y + candidate.Dy + r.Bottom);
                double cost = 50 * (box.Area - box.Overlap(frame)) + placed.Sum(p => box.Overlap(p))
                              + markers.Where((_, m) => m != k).Sum(m => box.Overlap(m)) + 0.5 * index;
                if (best is null || cost < best.Value.Cost) best = (candidate.Alignment, candidate.Dx, candidate.Dy, box, cost);
            }
            var chosen = best!.Value;
            item.Label.LabelAlignment = chosen.Alignment;
            item.Label.OffsetX = chosen.Dx;
            item.Label.OffsetY = chosen.Dy;
            placed.Add(chosen.Box);
        }
    }

    /// <summary>Candidate anchors in order of preference (pixel offsets; y grows downwards).</summary>
    private static IEnumerable<(Alignment Alignment, float Dx, float Dy)> Candidates(float radius, float textHeight)
    {
        float side = radius + Gap, diagonal = radius * 0.71f + Gap / 2;
        yield return (Alignment.MiddleLeft, side, 0);
        yield return (Alignment.MiddleRight, -side, 0);
        yield return (Alignment.LowerLeft, diagonal, -diagonal);
        yield return (Alignment.UpperLeft, diagonal, diagonal);
        yield return (Alignment.LowerRight, -diagonal, -diagonal);
        yield return (Alignment.UpperRight, -diagonal, diagonal);
        yield return (Alignment.LowerCenter, 0, -side);
        yield return (Alignment.UpperCenter, 0, side);
        for (int row = 1; row <= 3; row++)
            foreach (var sign in new[] { -1, 1 })
            {
                float dy = sign * (radius + row * (textHeight + Gap));
                yield return (Alignment.MiddleLeft, side, dy);
                yield return (Alignment.MiddleRight, -side, dy);
            }
    }

    /// <summary>An axis-aligned pixel rectangle (y grows downwards).</summary>
    private readonly record struct Box(float Left, float Top, float Right, float Bottom)
    {
        public double Area => Math.Max(0, Right - Left) * (double)Math.Max(0, Bottom - Top);

        public double Overlap(Box o) =>
            Math.Max(0, Math.Min(Right, o.Right) - Math.Max(Left, o.Left)) * (double)Math.Max(0, Math.Min(Bottom, o.Bottom) - Math.Max(Top, o.Top));
    }
}
