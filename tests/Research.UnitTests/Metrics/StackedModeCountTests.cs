using Research.Data.Images;
using Research.Evaluation.Features;
using Research.Evaluation.Images;
using Research.Evaluation.Metrics;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

/// <summary>
/// StackedMNIST's mode count on constructed cases: one mode gives 1 covered and KL = ln 1000, a uniform histogram gives
/// 1000 and KL ≈ 0; the classifier is read per channel with red as the hundreds; and the KL is the one shared copy
/// (<see cref="ModeHistogram"/>).
/// </summary>
public class StackedModeCountTests
{
    /// <summary>A stand-in MNIST classifier: a channel whose mean is −1 + 2d/9 is digit d.</summary>
    private sealed class MeanDigitClassifier : IFeatureExtractor
    {
        public string Name => "mean-digit";
        public int FeatureDim => 1;
        public int NumClasses => 10;
        public string IdentityHash => new('0', 64);
        public Tensor Features(Tensor images) => images.mean([1, 2, 3]).unsqueeze(1);
        public Tensor Logits(Tensor images)
        {
            Assert.That(images.shape[1], Is.EqualTo(1), "one channel at a time");
            using var mean = images.mean([1, 2, 3]).unsqueeze(1);                         // [N, 1]
            using var centres = linspace(-1, 1, 10).unsqueeze(0);                         // [1, 10]
            return (mean - centres).abs().neg().to_type(ScalarType.Float32);
        }
        public (Tensor Features, Tensor Logits) FeaturesAndLogits(Tensor images) => (Features(images), Logits(images));
        public void Dispose() { }
    }

    // Images [N, 3, 4, 4] whose channels show the digits of the given modes.
    private static Tensor ImagesOf(IEnumerable<int> modes)
    {
        var digits = modes.Select(StackedMnistDataset.Digits).SelectMany(d => new[] { d.R, d.G, d.B }).Select(d => -1 + 2 * d / 9f).ToArray();
        return tensor(digits).reshape(-1, 3, 1, 1).expand(-1, 3, 4, 4).contiguous();
    }

    [Test]
    public void Count_AllSamplesOneMode_OneCoveredAndKlLn1000()
    {
        using var counter = new StackedModeCount(new MeanDigitClassifier());
        using var images = ImagesOf(Enumerable.Repeat(472, 300));
        var result = counter.Count(images);
        Assert.That(result.ModesCovered, Is.EqualTo(1));
        Assert.That(result.NumModes, Is.EqualTo(1000));
        Assert.That(result.ReverseKl, Is.EqualTo(Math.Log(1000)).Within(1e-12));
        Assert.That(result.Counts[472], Is.EqualTo(300), "red is the hundreds, green the tens, blue the units");
    }

    [Test]
    public void Count_UniformOverAllModes_AllCoveredAndKlZero()
    {
        using var counter = new StackedModeCount(new MeanDigitClassifier(), batchSize: 333);
        using var images = ImagesOf(Enumerable.Range(0, 2000).Select(i => i % 1000));
        var result = counter.Count(images);
        Assert.That(result.ModesCovered, Is.EqualTo(1000));
        Assert.That(result.ReverseKl, Is.EqualTo(0).Within(1e-12));
        Assert.That(result.Counts, Has.All.EqualTo(2));
    }

    [Test]
    public void ChannelDigits_ReadsEachChannelApart()
    {
        using var counter = new StackedModeCount(new MeanDigitClassifier());
        using var images = ImagesOf([0, 9, 123, 908]);
        using var digits = counter.ChannelDigits(images);
        Assert.That(digits.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 0, 0, 0, 0, 9, 1, 2, 3, 9, 0, 8 }));
    }

    [Test]
    public void ReverseKl_HalfTheModesEvenly_IsLn2_NoSamplesIsLnK()
    {
        var counts = Enumerable.Range(0, 1000).Select(i => i < 500 ? 7L : 0L).ToArray();
        Assert.That(ModeHistogram.ReverseKlFromUniform(counts), Is.EqualTo(Math.Log(2)).Within(1e-12));
        Assert.That(ModeHistogram.Covered(counts), Is.EqualTo(500));
        Assert.That(ModeHistogram.ReverseKlFromUniform(new long[25]), Is.EqualTo(Math.Log(25)).Within(1e-12));
    }

    [Test]
    public void FromModes_OutOfRange_Refused()
    {
        using var bad = tensor(new long[] { 3, 1000 });
        Assert.Throws<ArgumentException>(() => StackedModeCount.FromModes(bad));
    }

    [Test]
    public void Constructor_ThreeChannelCnn_Refused()
    {
        var cnn = new CnnFeatureExtractor(new FeatureCnn(new FeatureCnnOptions { InChannels = 3, Width = 16, FeatureDim = 8 }), "cifar10");
        try
        {
            var e = Assert.Throws<ArgumentException>(() => new StackedModeCount(cnn).Dispose())!;
            Assert.That(e.Message, Does.Contain("single-channel"));
        }
        finally
        {
            cnn.Dispose();
        }
    }
}
