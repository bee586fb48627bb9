namespace Research.Training.Benchmarks;

/// <summary>Median and spread of repeated timings (milliseconds per unit: step, call or sample).</summary>
/// <param name="Median">Median of <paramref name="Values"/>.</param>
/// <param name="Min">Smallest value.</param>
/// <param name="Max">Largest value.</param>
/// <param name="Values">Every timed value, in order.</param>
public sealed record IntervalStats(double Median, double Min, double Max, IReadOnlyList<double> Values)
{
    /// <summary>Statistics of a non-empty list.</summary>
    public static IntervalStats Of(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no timings", nameof(values));
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        double median = sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
        return new IntervalStats(median, sorted[0], sorted[^1], values.ToArray());
    }

    /// <summary>
    /// The median of <paramref name="f"/> over the pairs (a_i, b_i) of two series timed alternately, so that both members
    /// of a pair saw the same machine load; robust where the load changes between pairs.
    /// </summary>
    public static double PairedMedian(IntervalStats a, IntervalStats b, Func<double, double, double> f)
    {
        int n = Math.Min(a.Values.Count, b.Values.Count);
        return Of(Enumerable.Range(0, n).Select(i => f(a.Values[i], b.Values[i])).ToArray()).Median;
    }

    /// <summary>(max − min) / median in percent: how noisy the windows were.</summary>
    public double SpreadPct => Median > 0 ? 100 * (Max - Min) / Median : 0;
}
