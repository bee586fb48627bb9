using Research.Evaluation.Features;
using Research.Evaluation.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

public class GuidedAccuracyTests
{
    [Test]
    public void FromLogits_ThreeOfFourHits_IsThreeQuarters()
    {
        // Arg-max per row: 0, 1, 2, 0 against requested 0, 1, 1, 0.
        using var logits = tensor(new float[] { 5, 1, 0, 0, 3, 1, 0, 1, 4, 2, 1, 1 }, [4, 3]);
        using var requested = tensor(new long[] { 0, 1, 1, 0 });
        Assert.That(GuidedAccuracy.FromLogits(logits, requested), Is.EqualTo(0.75));
    }

    [Test]
    public void Compute_ExactClassifierOnRenderedClasses_IsOneForTheRequestedLabelsAndZeroForShifted()
    {
        using var data = new SyntheticImageSource(size: 16, noise: 0.1f);
        using var classifier = new CellClassifier(16);
        using var g = new Generator(9);
        using var labels = arange(100, dtype: int64).remainder(10);
        using var images = data.Render(labels, g);
        using var shifted = (labels + 1).remainder(10);
        Assert.That(GuidedAccuracy.Compute(classifier, images, labels, batchSize: 32), Is.EqualTo(1.0));
        Assert.That(GuidedAccuracy.Compute(classifier, images, shifted, batchSize: 32), Is.EqualTo(0.0));
    }

    [Test]
    public void Compute_ExtractorWithoutHead_Throws()
    {
        using var classifier = new CellClassifier(16, numClasses: 0);
        using var images = zeros(2, 1, 16, 16);
        using var labels = zeros(2, dtype: int64);
        Assert.Throws<ArgumentException>(() => GuidedAccuracy.Compute(classifier, images, labels));
    }

    /// <summary>Reads the class off the image: logit c is the mean brightness of the cell <see cref="SyntheticImageSource"/> lights for class c.</summary>
    private sealed class CellClassifier(int size, int numClasses = 10) : IFeatureExtractor
    {
        public string Name => "cell-reader";
        public int FeatureDim => 10;
        public int NumClasses => numClasses;
        public string IdentityHash => "test";

        public Tensor Features(Tensor images) => Logits(images);

        public Tensor Logits(Tensor images)
        {
            int cell = size / 5;
            var columns = Enumerable.Range(0, 10).Select(c =>
                images.select(1, 0).narrow(1, c / 5 * (size / 2) + 2, cell).narrow(2, c % 5 * cell, cell).mean([1L, 2L])).ToList();
            var logits = stack(columns, 1);
            foreach (var t in columns) t.Dispose();
            return logits;
        }

        public (Tensor Features, Tensor Logits) FeaturesAndLogits(Tensor images) => (Logits(images), Logits(images));

        public void Dispose()
        {
        }
    }
}
