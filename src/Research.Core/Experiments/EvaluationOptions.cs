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

    /// <summary>
    /// Image data: <c>train</c> (default: <see cref="ReferenceImages"/> training images) or <c>test</c> (the whole test
    /// split, e.g. the 10,000 Fashion-MNIST test images, so every row is scored against the same held-out set).
    /// </summary>
    public ReferenceSplit ReferenceSplit { get; set; } = ReferenceSplit.Train;

    /// <summary>
    /// Image data: neighbours k of improved precision and recall (Kynkäänniemi et al. 2019 use 3, the default here;
    /// the Fashion-MNIST study sets 5). Needs more than k reference images and samples.
    /// </summary>
    [Range(1, 100)]
    public int PrecisionRecallK { get; set; } = 3;

    /// <summary>
    /// Image data: confidence τ ∈ (0, 1) at which the judge (the extractor's classifier head) counts a sample as
    /// recognisable. Unset (default) = the threshold stored in the extractor's weights file by <c>research
    /// train-features</c> (chosen so 90 % of the real test images reach it); without either, no recognisable %.
    /// With <see cref="ModeCount"/>, the same τ applied to the mode classifier on every channel gives StackedMNIST's
    /// recognisable (3 ch) % and the modes those samples cover.
    /// </summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true, MaximumIsExclusive = true)]
    public double? RecognisableThreshold { get; set; }

    /// <summary>
    /// Image data: also score real images as a table row (<c>real-data</c>): the first n training images (n = the first
    /// sampling request's sample count), against the same reference, so a table shows what real data score. Use with
    /// <c>reference_split: test</c>, otherwise the reference is drawn from the same training images. With
    /// <see cref="ModeCount"/> the row also counts the modes of those n real images (no feature extractor needed).
    /// </summary>
    public bool RealDataRow { get; set; }

    /// <summary>
    /// StackedMNIST: count the modes of each request's samples (and of the real-data row) with an MNIST classifier applied
    /// to each channel; reports <c>modes_covered</c>, <c>num_modes</c> and <c>mode_kl</c> (<see cref="ModeCountOptions"/>).
    /// </summary>
    public ModeCountOptions ModeCount { get; set; } = new();

    /// <summary>Image data: also report the Inception Score from the extractor's class probabilities (10 splits, as DDGAN).</summary>
    public bool InceptionScore { get; set; }

    /// <summary>Folder of cached real-data features and statistics (relative to the working directory).</summary>
    [Required]
    public string StatsCache { get; set; } = ".cache/stats";
}
