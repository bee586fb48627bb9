namespace Research.Training.Benchmarks;

/// <summary>Per-sample sampling time of a many-step family over a few-step family on the same backbone.</summary>
/// <param name="Backbone">Backbone key both rows share.</param>
/// <param name="Slow">The many-step row (DDPM, T = 1000).</param>
/// <param name="Fast">The few-step row (DDGAN, T = 4).</param>
/// <param name="Target">The ratio the issue asks for.</param>
public sealed record SpeedRatio(string Backbone, SamplingBenchResult Slow, SamplingBenchResult Fast, double Target)
{
    /// <summary>Slow ms/sample over fast ms/sample.</summary>
    public double Ratio => Slow.MsPerSample / Fast.MsPerSample;

    /// <summary>The ratio if both cost the same per evaluation: NFE over NFE.</summary>
    public double NfeRatio => (double)Slow.Nfe / Fast.Nfe;

    /// <summary>Whether <see cref="Ratio"/> reaches <see cref="Target"/>.</summary>
    public bool MeetsTarget => Ratio >= Target;
}
