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
    public void Compute_TrainedClassifierOnRenderedClasses_IsHighForTheRightLabelsAndLowForShuffled()
    {
        manual_seed(0);
        using var data = new SyntheticImageSource();
        using var classifier = new CnnFeatureExtractor(new FeatureCnn(new FeatureCnnOptions { Width = 16, FeatureDim = 16 }), "synthetic");
        FeatureCnnTrainer.Train(classifier.Network, data, new FeatureCnnTrainingOptions { Steps = 60, BatchSize = 32, LearningRate = 3e-3, LogEvery = 0, AccuracySamples = 0 });
        using var g = new Generator(9);
        using var labels = arange(100, dtype: int64).remainder(10);
        using var images = data.Render(labels, g);
        using var wrong = (labels + 1).remainder(10);
        var right = GuidedAccuracy.Compute(classifier, images, labels, batchSize: 32);
        var shifted = GuidedAccuracy.Compute(classifier, images, wrong, batchSize: 32);
        TestContext.Out.WriteLine($"guided accuracy {right:P0}, against shifted labels {shifted:P0}");
        Assert.That(right, Is.GreaterThan(0.5));
        Assert.That(shifted, Is.LessThan(right - 0.3));
    }
}
