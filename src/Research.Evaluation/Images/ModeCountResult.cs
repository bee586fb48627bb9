namespace Research.Evaluation.Images;

/// <summary>What <see cref="StackedModeCount"/> found.</summary>
/// <param name="ModesCovered">Modes with at least one sample (of <paramref name="NumModes"/>).</param>
/// <param name="NumModes">1000 for StackedMNIST.</param>
/// <param name="ReverseKl">KL(p̂ ‖ U) of the mode histogram, in nats (ln 1000 ≈ 6.908 when all samples share one mode).</param>
/// <param name="Counts">Samples per mode.</param>
public sealed record ModeCountResult(int ModesCovered, int NumModes, double ReverseKl, IReadOnlyList<long> Counts)
{
    /// <summary>The judge's confidence threshold τ behind the two recognisable numbers; null when not judged.</summary>
    public double? RecognisableThreshold { get; init; }

    /// <summary>Percentage (0–100) of samples whose three channels all reach confidence τ; null when not judged.</summary>
    public double? RecognisablePct { get; init; }

    /// <summary>Modes with at least one recognisable sample; null when not judged.</summary>
    public int? RecognisableModesCovered { get; init; }
}
