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
/// sample, as the papers count) and the reverse KL from uniform (<see cref="ModeHistogram"/>). Given the judge's confidence
/// threshold τ it also says whether a sample is three digits at all: a sample is <em>recognisable</em> when the classifier's
/// largest softmax probability reaches τ on every channel, and the modes covered by recognisable samples alone separate
/// coverage of digits from coverage of blurred strokes, which the classifier's argmax assigns to some digit regardless
/// (docs/metrics.md, "StackedMNIST modes"). Owns its classifier.
/// </summary>
public sealed class StackedModeCount : IDisposable
{
    private readonly IFeatureExtractor _classifier;
    private readonly int _batchSize;

    /// <summary>
    /// Takes ownership of <paramref name="classifier"/>, which must take single-channel images and give 10 logits.
    /// <paramref name="recognisableThreshold"/> τ ∈ (0, 1), if given, adds the recognisable share and the modes it covers.
    /// </summary>
    public StackedModeCount(IFeatureExtractor classifier, int batchSize = 1024, double? recognisableThreshold = null)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (classifier.NumClasses != 10 || !FeatureExtractorFactory.Accepts(classifier, 1))
            throw new ArgumentException($"the mode count needs an MNIST classifier (single-channel images, 10 classes); '{classifier.Name}' has {classifier.NumClasses} classes");
        if (recognisableThreshold is { } tau && !(tau > 0 && tau < 1))
            throw new ArgumentOutOfRangeException(nameof(recognisableThreshold), tau, "The recognisable threshold τ must lie in (0, 1).");
        _classifier = classifier;
        _batchSize = batchSize;
        RecognisableThreshold = recognisableThreshold;
    }

    /// <summary>The classifier counting the modes.</summary>
    public IFeatureExtractor Classifier => _classifier;

    /// <summary>The confidence τ every channel must reach for a sample to count as recognisable; null: not judged.</summary>
    public double? RecognisableThreshold { get; }

    /// <summary>
    /// The digit the classifier reads from each channel: <c>[N, 3]</c> int64 (R, G, B) for <paramref name="images"/>
    /// <c>[N, 3, H, W]</c> in model space [−1, 1] (clamped to it first, as every image metric does).
    /// </summary>
    public Tensor ChannelDigits(Tensor images)
    {
        var (digits, confidence) = Read(images);
        confidence.Dispose();
        return digits;
    }

    /// <summary>
    /// Per channel, the digit the classifier reads and its softmax probability: <c>[N, 3]</c> int64 and <c>[N, 3]</c>
    /// float64 (R, G, B) for <paramref name="images"/> <c>[N, 3, H, W]</c> in model space [−1, 1].
    /// </summary>
    public (Tensor Digits, Tensor Confidence) Read(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != 3)
            throw new ArgumentException($"the mode count takes images [N, 3, H, W], got [{string.Join(", ", images.shape)}]", nameof(images));
        using var scope = NewDisposeScope();
        var x = images.to_type(float32).clamp(-1.0, 1.0);
        var logits = Enumerable.Range(0, 3)
            .Select(c => FeatureExtraction.Logits(_classifier, x.narrow(1, c, 1).contiguous(), _batchSize))
            .ToArray();
        var digits = stack(logits.Select(l => l.argmax(1)).ToArray(), 1);                                       // [N, 3]
        var confidence = stack(logits.Select(l => l.to_type(float64).softmax(1).max(1).values).ToArray(), 1);   // [N, 3]
        return (digits.MoveToOuterDisposeScope(), confidence.MoveToOuterDisposeScope());
    }

    /// <summary>Counts the modes of <paramref name="images"/> <c>[N, 3, H, W]</c> (model space).</summary>
    public ModeCountResult Count(Tensor images)
    {
        using var scope = NewDisposeScope();
        var (digits, confidence) = Read(images);                                                 // [N, 3] each
        var modes = digits.select(1, 0) * 100 + digits.select(1, 1) * 10 + digits.select(1, 2);    // [N]
        var result = FromModes(modes);
        if (RecognisableThreshold is not { } tau) return result;
        var recognisable = confidence.ge(tau).all(1);                                             // [N] bool
        long n = images.shape[0];
        var kept = FromModes(modes.masked_select(recognisable));
        return result with
        {
            RecognisableThreshold = tau,
            RecognisablePct = n == 0 ? 0 : 100.0 * recognisable.sum().item<long>() / n,
            RecognisableModesCovered = kept.ModesCovered,
        };
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
