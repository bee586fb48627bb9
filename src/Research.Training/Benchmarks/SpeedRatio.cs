namespace Research.Training.Benchmarks;

/// <summary>
/// Per-sample sampling time of a many-step family over a few-step family on the same backbone, timed alternately (a block
/// of fast calls with the NFE of one slow call, a slow call, …) so that a change of machine load cannot fake a ratio.
/// </summary>
/// <param name="Backbone">Backbone key both runs share.</param>
/// <param name="SlowRun">The many-step run (DDPM, T = 1000).</param>
/// <param name="SlowFamily">Its family.</param>
/// <param name="SlowNfe">Its NFE per sample.</param>
/// <param name="FastRun">The few-step run (DDGAN, T = 4).</param>
/// <param name="FastFamily">Its family.</param>
/// <param name="FastNfe">Its NFE per sample.</param>
/// <param name="Samples">Samples per call, both runs.</param>
/// <param name="Slow">Milliseconds per sample of the slow run (per call over <paramref name="Samples"/>).</param>
/// <param name="Fast">Milliseconds per sample of the fast run.</param>
/// <param name="Target">The ratio the issue asks for.</param>
public sealed record SpeedRatio(string Backbone, string SlowRun, string SlowFamily, int SlowNfe, string FastRun, string FastFamily, int FastNfe,
    int Samples, IntervalStats Slow, IntervalStats Fast, double Target)
{
    /// <summary>Slow ms/sample over fast ms/sample (medians).</summary>
    public double Ratio => Slow.Median / Fast.Median;

    /// <summary>The ratio if both cost the same per evaluation: NFE over NFE.</summary>
    public double NfeRatio => (double)SlowNfe / FastNfe;

    /// <summary>Fast calls per timed fast block (0 when not recorded).</summary>
    public int FastBlock { get; init; }

    /// <summary>Whether <see cref="Ratio"/> reaches <see cref="Target"/>.</summary>
    public bool MeetsTarget => Ratio >= Target;
}
