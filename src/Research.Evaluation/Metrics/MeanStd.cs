using System.Globalization;

namespace Research.Evaluation.Metrics;

/// <summary>A score over several splits or subsets: mean ± population standard deviation (NumPy's <c>std</c>, ddof = 0).</summary>
/// <param name="Mean">Mean over the parts.</param>
/// <param name="Std">Population standard deviation over the parts.</param>
/// <param name="Parts">Number of splits or subsets.</param>
public readonly record struct MeanStd(double Mean, double Std, int Parts)
{
    /// <summary>Mean and population std of <paramref name="values"/> (at least one).</summary>
    public static MeanStd Of(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("No values.", nameof(values));
        var mean = values.Average();
        var variance = values.Sum(v => (v - mean) * (v - mean)) / values.Count;
        return new MeanStd(mean, Math.Sqrt(variance), values.Count);
    }

    /// <summary>"mean ± std" with <paramref name="format"/> (invariant culture).</summary>
    public string ToString(string format) =>
        string.Create(CultureInfo.InvariantCulture, $"{Mean.ToString(format, CultureInfo.InvariantCulture)} ± {Std.ToString(format, CultureInfo.InvariantCulture)}");
}
