using System.ComponentModel.DataAnnotations;

namespace Research.Core.Experiments;

/// <summary>How samples are scored (docs/methods.md §7).</summary>
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

    /// <summary>Image data: the feature extractor for FID, KID, precision/recall and the Inception Score. Empty type = none.</summary>
    public FeatureExtractorOptions Features { get; set; } = new();

    /// <summary>
    /// Image data: real training images (drawn once without replacement, with a fixed seed, no flips) whose features
    /// form the reference set of every image metric; all images when the set is smaller. A small, framework-chosen
    /// default that keeps CPU evaluation cheap; ADM's evaluator uses 10,000 reference images, the DDPM/DDGAN FID
    /// protocol the whole training set (50,000), and FID is biased upwards at small N, so compare numbers only at
    /// equal settings.
    /// </summary>
    [Range(4, 10_000_000)]
    public int ReferenceImages { get; set; } = 2_000;

    /// <summary>Image data: also report the Inception Score from the extractor's class probabilities (10 splits, as DDGAN).</summary>
    public bool InceptionScore { get; set; }

    /// <summary>Folder of cached real-data features and statistics (relative to the working directory).</summary>
    [Required]
    public string StatsCache { get; set; } = ".cache/stats";
}
