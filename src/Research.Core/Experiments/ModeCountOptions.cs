using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;

namespace Research.Core.Experiments;

/// <summary>
/// <c>evaluation.mode_count</c>: StackedMNIST's mode count (VEEGAN, PacGAN; DDGAN Table 3). An MNIST classifier labels
/// each of a sample's three channels with a digit; the sample's mode is 100·d_R + 10·d_G + d_B, and each row reports the
/// modes covered (of 1000; a mode counts once one sample falls in it) and the reverse KL of the mode histogram from
/// uniform, KL(p̂ ‖ U) in nats (docs/metrics.md, "StackedMNIST modes").
/// </summary>
/// <remarks>
/// The classifier is loaded when the session is built, before training: a missing or unreadable file, one that does not
/// take single-channel digits with 10 classes, or one trained at another image size is a configuration error naming
/// <c>evaluation.mode_count.classifier</c> (exit 2).
/// </remarks>
public sealed class ModeCountOptions : IValidatableOptions
{
    /// <summary>Count modes for every sampling request (and for the real-data row). Needs three-channel data with 1000 classes.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// The MNIST classifier's weights: a <c>research train-features --data mnist</c> file trained on MNIST's training split at
    /// the data's image size. A relative path is resolved against the working directory.
    /// </summary>
    public string Classifier { get; set; } = "";

    /// <summary>Channels (single-digit images) per classifier call.</summary>
    [Range(1, 1_000_000)]
    public int BatchSize { get; set; } = 1024;

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (Enabled && Classifier.Length == 0)
            yield return "classifier: the mode count needs the MNIST classifier's weights file " +
                         "(research train-features --data mnist --image-size <side> --out <file>; docs/metrics.md)";
        else if (!Enabled && Classifier.Length > 0)
            yield return "enabled: classifier is set but enabled is false (set enabled: true, or remove classifier)";
    }
}
