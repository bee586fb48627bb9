using System.ComponentModel.DataAnnotations;

namespace Research.Core.Experiments;

/// <summary>How samples are scored (methods.md §9).</summary>
public sealed class EvaluationOptions
{
    /// <summary>Real points used as the reference set for the Fréchet distance and MMD; 0 = all.</summary>
    [Range(0, 100_000_000)]
    public int NumReference { get; set; }

    /// <summary>Points drawn (with replacement) from each set for MMD² (SIDDM's code: 10,000).</summary>
    [Range(10, 1_000_000)]
    public int MmdPoints { get; set; } = 10_000;

    /// <summary>A mode counts as covered with at least this fraction of n/K high-quality samples.</summary>
    [Range(0.0, 1.0)]
    public double ModeThresholdFraction { get; set; } = 0.1;

    /// <summary>
    /// Write a picture of each row's samples: a scatter PNG over the data (2-D) or a grid of up to 64 samples, 8 per
    /// row (images).
    /// </summary>
    public bool Plot { get; set; } = true;
}
