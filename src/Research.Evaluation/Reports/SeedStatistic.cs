using System.Globalization;

namespace Research.Evaluation.Reports;

/// <summary>
/// One metric over a row's seeds: the mean and the sample standard deviation (n − 1 denominator) of
/// <see cref="Count"/> values. Formats as <c>mean ± sd</c> in a column's number format, or the value alone for one seed.
/// </summary>
/// <param name="Mean">Mean over the seeds (NaN when any seed's value is NaN: a diverged seed is not averaged away).</param>
/// <param name="Sd">Sample standard deviation; 0 for a single seed.</param>
/// <param name="Count">How many seeds measured it.</param>
public readonly record struct SeedStatistic(double Mean, double Sd, int Count) : IFormattable
{
    /// <summary>The statistic of <paramref name="values"/> (at least one).</summary>
    public static SeedStatistic Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("A seed statistic needs at least one value.", nameof(values));
        var mean = values.Average();
        if (values.Count == 1 || double.IsNaN(mean)) return new SeedStatistic(mean, values.Count == 1 ? 0 : double.NaN, values.Count);
        var ss = values.Sum(v => (v - mean) * (v - mean));
        return new SeedStatistic(mean, Math.Sqrt(ss / (values.Count - 1)), values.Count);
    }

    /// <inheritdoc/>
    public string ToString(string? format, IFormatProvider? formatProvider)
    {
        var provider = formatProvider ?? CultureInfo.InvariantCulture;
        string F(double v) => double.IsNaN(v) ? "NaN" : double.IsPositiveInfinity(v) ? "inf" : double.IsNegativeInfinity(v) ? "-inf" : v.ToString(format ?? "G6", provider);
        return Count == 1 || double.IsNaN(Mean) ? F(Mean) : $"{F(Mean)} ± {F(Sd)}";
    }

    /// <inheritdoc/>
    public override string ToString() => ToString(null, CultureInfo.InvariantCulture);
}
