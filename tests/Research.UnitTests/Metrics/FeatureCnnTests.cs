using Research.Evaluation.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

public class FeatureCnnTests
{
    /// <remarks>Width 16, not smaller: see docs/metrics.md, "oneDNN convolution backward" (4 or 8 channels give NaN gradients here).</remarks>
    [Test]
    public void Train_TinySyntheticRun_LossFalls()
    {
        manual_seed(0);
        using var network = new FeatureCnn(new FeatureCnnOptions { Width = 16, FeatureDim = 16 });
        using var data = new SyntheticImageSource(size: 16);
        var report = FeatureCnnTrainer.Train(network, data,
            new FeatureCnnTrainingOptions { Steps = 40, BatchSize = 16, LearningRate = 3e-3, LogEvery = 0, AccuracySamples = 128 });
        var first = report.Losses.Take(10).Average();
        var last = report.Losses.TakeLast(10).Average();
        TestContext.Out.WriteLine($"loss {first:F3} → {last:F3}, accuracy {report.Accuracy:P1}, {report.Seconds:F1} s");
        Assert.That(report.Losses, Has.Count.EqualTo(40));
        Assert.That(first, Is.EqualTo(Math.Log(10)).Within(0.3), "starts near chance (ln 10)");
        Assert.That(last, Is.LessThan(0.5 * first));
        Assert.That(report.Accuracy, Is.GreaterThan(0.5));
    }

    /// <summary>The judge is trained "deterministically by one command": the same seed gives the same weights, bit for bit.</summary>
    [Test]
    public void Train_SameSeedTwice_IdenticalWeights()
    {
        var options = new FeatureCnnTrainingOptions { Steps = 8, BatchSize = 16, LearningRate = 3e-3, LogEvery = 0, AccuracySamples = 0, Seed = 5 };
        Tensor[] TrainOnce()
        {
            manual_seed(options.Seed);   // as train-features does before building the network
            using var network = new FeatureCnn(new FeatureCnnOptions { Width = 16, FeatureDim = 16 });
            using var data = new SyntheticImageSource(size: 16);
            FeatureCnnTrainer.Train(network, data, options);
            return network.parameters().Select(p => p.detach().clone()).ToArray();
        }
        var first = TrainOnce();
        var second = TrainOnce();
        try
        {
            Assert.That(first, Has.Length.EqualTo(second.Length));
            for (int i = 0; i < first.Length; i++) Assert.That(TestTensors.AreIdentical(first[i], second[i]), Is.True, $"parameter {i}");
            manual_seed(options.Seed);
            using var initial = new FeatureCnn(new FeatureCnnOptions { Width = 16, FeatureDim = 16 });   // the same start, untrained
            Assert.That(TestTensors.AreIdentical(first[0], initial.parameters().First()), Is.False, "training moved the weights");
        }
        finally
        {
            foreach (var t in first.Concat(second)) t.Dispose();
        }
    }

    [Test]
    public void Extractor_ShapesFor28And32Pixels_AndSaveLoadKeepsFeaturesAndHash()
    {
        manual_seed(1);
        using var extractor = new CnnFeatureExtractor(new FeatureCnn(new FeatureCnnOptions { Width = 2, FeatureDim = 6 }), "synthetic");
        using var g = new Generator(2);
        using var images28 = rand([3, 1, 28, 28], generator: g) * 2 - 1;
        using var images32 = rand([2, 1, 32, 32], generator: g) * 2 - 1;
        using var f28 = extractor.Features(images28);
        using var l32 = extractor.Logits(images32);
        Assert.That(f28.shape, Is.EqualTo(new long[] { 3, 6 }));
        Assert.That(l32.shape, Is.EqualTo(new long[] { 2, 10 }));
        Assert.That(extractor.Name, Is.EqualTo("cnn-synthetic"));

        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "Metrics", "cnn-roundtrip.safetensors");
        extractor.Save(path, new Dictionary<string, string> { ["steps"] = "0" });
        using var loaded = CnnFeatureExtractor.Load(path);
        using var again = loaded.Features(images28);
        Assert.That(TestTensors.AreIdentical(f28, again), Is.True);
        Assert.That(loaded.IdentityHash, Is.EqualTo(extractor.IdentityHash));
        Assert.That(loaded.Network.Options, Is.EqualTo(extractor.Network.Options));
    }

    [Test]
    public void Train_DataWithOtherClassCount_Throws()
    {
        manual_seed(0);
        using var network = new FeatureCnn(new FeatureCnnOptions { NumClasses = 3, Width = 2, FeatureDim = 4 });
        using var data = new SyntheticImageSource();
        Assert.Throws<ArgumentException>(() => FeatureCnnTrainer.Train(network, data, new FeatureCnnTrainingOptions { Steps = 1 }));
    }
}
