using Research.Cli.Commands;
using Research.Core.Data;
using Research.Evaluation.Features;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.IntegrationTests.Metrics;

/// <summary><c>research train-features</c>: bad input exits 2; the training path works on a stand-in image source.</summary>
public class TrainFeaturesCliTests
{
    [Test]
    public void TrainFeatures_UnknownOrNonImageDataset_ExitsTwo()
    {
        var (exit, _, err) = Cli.Run("train-features", "--data", "no-such-data");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("Unknown dataset 'no-such-data'"));
        (exit, _, err) = Cli.Run("train-features", "--data", "gaussian-grid", "--steps", "1");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("not a labelled image data set"));
        Assert.That(Cli.Run("train-features", "--data", "gaussian-grid", "--steps", "0").Exit, Is.EqualTo(2));
    }

    [Test]
    public void Train_StandInImageSource_SavesALoadableExtractor()
    {
        var dir = Directory.CreateTempSubdirectory("features-").FullName;
        try
        {
            var path = Path.Combine(dir, "stand-in-cnn.safetensors");
            var stdout = new StringWriter();
            using var source = new StripesSource();
            using (var trained = TrainFeaturesCommand.Train(source, "stand-in", new FeatureCnnOptions { Width = 16, FeatureDim = 8 },
                       new FeatureCnnTrainingOptions { Steps = 20, BatchSize = 16, LogEvery = 10, AccuracySamples = 64 }, path, stdout))
            using (var loaded = CnnFeatureExtractor.Load(path))
            {
                Assert.That(loaded.IdentityHash, Is.EqualTo(trained.IdentityHash));
                Assert.That((loaded.Name, loaded.NumClasses, loaded.FeatureDim), Is.EqualTo(("cnn-stand-in", 4, 8)));
            }
            Assert.That(stdout.ToString(), Does.Contain("step 20/20").And.Contain("Saved"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Test]
    public void TrainFeatures_MnistFiles_ReportsHeldOutAccuracyRecordsSizeAndEvaluatesSavedWeights()
    {
        var dir = Directory.CreateTempSubdirectory("features-mnist-").FullName;
        try
        {
            var dataRoot = Path.Combine(dir, "data");
            TinyMnist.Write(dataRoot, n: 20, testImages: 10);
            var path = Path.Combine(dir, "cnn.safetensors");
            var (exit, output, err) = Cli.Run("train-features", "--data", "mnist", "--image-size", "0", "--steps", "2", "--batch-size", "4",
                "--width", "16", "--feature-dim", "8", "--out", path, "--data-root", dataRoot);
            Assert.That(exit, Is.EqualTo(0), err + output);
            Assert.That(output, Does.Contain("Held-out accuracy on all 10 images of the test split"));
            using (var saved = CnnFeatureExtractor.Load(path))
                Assert.That(saved.TrainedImageSize, Is.EqualTo(8), "the files' own 8×8 (image_size 0)");

            (exit, output, err) = Cli.Run("train-features", "--data", "mnist", "--image-size", "0", "--out", path, "--evaluate-only", "--data-root", dataRoot);
            Assert.That(exit, Is.EqualTo(0), err + output);
            Assert.That(output, Does.Contain("accuracy on all 10 images of the mnist test split (8×8)"));

            (exit, _, err) = Cli.Run("train-features", "--data", "mnist", "--out", Path.Combine(dir, "none.safetensors"), "--evaluate-only", "--data-root", dataRoot);
            Assert.That(exit, Is.EqualTo(2));
            Assert.That(err, Does.Contain("none.safetensors: no such file"));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Four classes of 28×28 images: a bright horizontal stripe in one of four bands, in [−1, 1].</summary>
    private sealed class StripesSource : IDataSource
    {
        public long[] SampleShape => [1, 28, 28];
        public int NumClasses => 4;
        public long Count => 1000;

        public TrainBatch NextBatch(int batchSize, Generator generator)
        {
            var labels = randint(0, 4, [batchSize], dtype: int64, generator: generator);
            var x = full([batchSize, 1, 28, 28], -1f);
            var values = labels.data<long>().ToArray();
            for (int i = 0; i < batchSize; i++) x[i, 0].narrow(0, (int)values[i] * 7, 3).fill_(1f);
            return new TrainBatch(x, labels);
        }

        public Tensor ToDataSpace(Tensor modelSpace) => modelSpace.alias();

        public void Dispose()
        {
        }
    }
}
