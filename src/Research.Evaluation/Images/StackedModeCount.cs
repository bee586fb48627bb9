using Research.Data.Images;
using Research.Evaluation.Features;
using Research.Evaluation.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Images;

/// <summary>
/// StackedMNIST's mode count (Metz et al. 2017; VEEGAN, PacGAN; DDGAN Table 3): an MNIST classifier reads a digit from
/// each of the R, G, B channels of a sample, the sample's mode is 100·d_R + 10·d_G + d_B
/// (<see cref="StackedMnistDataset.Label"/>), and the histogram over the 1000 modes gives the modes covered (at least one
/// sample, as the papers count) and the reverse KL from uniform (<see cref="ModeHistogram"/>). Owns its classifier.
/// </summary>
public sealed class StackedModeCount : IDisposable
{
    private readonly IFeatureExtractor _classifier;
    private readonly int _batchSize;

    /// <summary>Takes ownership of <paramref name="classifier"/>, which must take single-channel images and give 10 logits.</summary>
    public StackedModeCount(IFeatureExtractor classifier, int batchSize = 1024)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (classifier.NumClasses != 10 || !FeatureExtractorFactory.Accepts(classifier, 1))
            throw new ArgumentException($"the mode count needs an MNIST classifier (single-channel images, 10 classes); '{classifier.Name}' has {classifier.NumClasses} classes");
        _classifier = classifier;
        _batchSize = batchSize;
    }

    /// <summary>The classifier counting the modes.</summary>
    public IFeatureExtractor Classifier => _classifier;

    /// <summary>
    /// The digit the classifier reads from each channel: <c>[N, 3]</c> int64 (R, G, B) for <paramref name="images"/>
    /// <c>[N, 3, H, W]</c> in model space [−1, 1] (clamped to it first, as every image metric does).
    /// </summary>
    public Tensor ChannelDigits(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"the mode count takes images [N, 3, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        using var scope = NewDisposeScope();
        var x = images.to_type(float32).clamp(-1.0, 1.0);
        var digits = Enumerable.Range(0, 3)
            .Select(c => FeatureExtraction.Logits(_classifier, x.narrow(1, c, 1).contiguous(), _batchSize).argmax(1))
            .ToArray();
        return stack(digits, 1).MoveToOuterDisposeScope();                                   // [N, 3]
    }

    /// <summary>Counts the modes of <paramref name="images"/> <c>[N, 3, H, W]</c> (model space).</summary>
    public ModeCountResult Count(Tensor images)
    {
        using var scope = NewDisposeScope();
        var digits = ChannelDigits(images);                                                    // [N, 3]
        var modes = digits.select(1, 0) * 100 + digits.select(1, 1) * 10 + digits.select(1, 2);    // [N]
        return FromModes(modes);
    }

    /// <summary>The numbers of a vector of modes <c>[N]</c> (each in 0 … 999).</summary>
    public static ModeCountResult FromModes(Tensor modes)
    {
        ArgumentNullException.ThrowIfNull(modes);
        if (modes.dim() != 1) throw new ArgumentException($"modes must be [N], got [{string.Join(", ", modes.shape)}]", nameof(modes));
        using var scope = NewDisposeScope();
        var m = modes.to_type(int64).cpu();
        if (m.numel() > 0 && (m.min().item<long>() < 0 || m.max().item<long>() >= StackedMnistDataset.NumModes))
            throw new ArgumentException($"modes must lie in 0 … {StackedMnistDataset.NumModes - 1}", nameof(modes));
        var counts = m.numel() == 0 ? new long[StackedMnistDataset.NumModes] : m.bincount(null, StackedMnistDataset.NumModes).data<long>().ToArray();
        return new ModeCountResult(ModeHistogram.Covered(counts), StackedMnistDataset.NumModes, ModeHistogram.ReverseKlFromUniform(counts), counts);
    }

    /// <inheritdoc />
    public void Dispose() => _classifier.Dispose();
}
