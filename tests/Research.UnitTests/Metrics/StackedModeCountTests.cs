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
    /// <summary>
    /// A stand-in MNIST classifier: a channel whose mean is −1 + 2d/9 is digit d; its logits are −sharpness·|mean − centre|,
    /// so at sharpness 100 a channel on a centre is read with confidence ≈ 1 − 10⁻⁹ and one halfway between two centres
    /// with ≈ ½ (a stroke between two digits).
    /// </summary>
    private sealed class MeanDigitClassifier(double sharpness = 1) : IFeatureExtractor
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
            return ((mean - centres).abs() * -sharpness).to_type(ScalarType.Float32);
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
    public void Count_WithThreshold_StrokesBetweenDigitsAreCountedButNotRecognisable()
    {
        using var counter = new StackedModeCount(new MeanDigitClassifier(sharpness: 100), recognisableThreshold: 0.99);
        // 200 clean samples of modes 1 and 2, and 100 whose green channel lies halfway between 3 and 4 (red and blue a clean 5):
        // the argmax still gives them a mode (535 or 545), but no digit is read confidently on that channel.
        using var clean = ImagesOf(Enumerable.Range(0, 200).Select(i => 1 + i % 2));
        using var strokes = ImagesOf(Enumerable.Repeat(535, 100));
        strokes.narrow(1, 1, 1).add_(1f / 9);                                                     // green: 3 → 3½
        using var images = cat([clean, strokes], 0);
        var result = counter.Count(images);
        Assert.That(result.ModesCovered, Is.EqualTo(3), "modes 1, 2 and the strokes' one");
        Assert.That(result.RecognisablePct, Is.EqualTo(200.0 / 3).Within(1e-9));
        Assert.That(result.RecognisableModesCovered, Is.EqualTo(2), "the strokes' mode is covered by no recognisable sample");
        Assert.That(result.RecognisableThreshold, Is.EqualTo(0.99));
    }

    [Test]
    public void Count_WithoutThreshold_NoRecognisableNumbers()
    {
        using var counter = new StackedModeCount(new MeanDigitClassifier(sharpness: 100));
        using var images = ImagesOf([7, 8]);
        var result = counter.Count(images);
        Assert.That((result.RecognisablePct, result.RecognisableModesCovered, result.RecognisableThreshold), Is.EqualTo(((double?)null, (int?)null, (double?)null)));
    }

    [Test]
    public void Read_ConfidenceIsTheSoftmaxOfTheDigitReadPerChannel()
    {
        using var counter = new StackedModeCount(new MeanDigitClassifier(sharpness: 1));
        using var images = ImagesOf([9]);
        var (digits, confidence) = counter.Read(images);
        using (digits)
        using (confidence)
        {
            // Mean on centre 9: logits −(2/9)·|9 − k| for k = 0 … 9, so p(9) = 1 / Σ_j exp(−2j/9).
            double expected = 1 / Enumerable.Range(0, 10).Sum(j => Math.Exp(-2.0 * j / 9));
            Assert.That(digits.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 0, 9 }));
            Assert.That(confidence[0, 2].item<double>(), Is.EqualTo(expected).Within(1e-6));
        }
    }

    [TestCase(0.0)]
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void Constructor_ThresholdOutsideOpenUnitInterval_Refused(double tau)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new StackedModeCount(new MeanDigitClassifier(), recognisableThreshold: tau).Dispose())!;
        Assert.That(e.ParamName, Is.EqualTo("recognisableThreshold"));
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
