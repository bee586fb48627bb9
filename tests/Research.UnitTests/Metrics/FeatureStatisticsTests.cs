using Research.Core.IO;
using Research.Evaluation.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

public class FeatureStatisticsTests
{
    [Test]
    public void FromFeatures_MatchesTheUnbiasedSampleCovariance()
    {
        // Rows (0, 0), (2, 0), (1, 3): μ = (1, 1); centred (−1, −1), (1, −1), (0, 2): Σ = [[2, 0], [0, 6]] / 2.
        using var x = tensor(new double[] { 0, 0, 2, 0, 1, 3 }, [3, 2]);
        var stats = FeatureStatistics.FromFeatures(x);
        Assert.That(stats.Mean, Is.EqualTo(new[] { 1.0, 1.0 }).Within(1e-15));
        Assert.That(stats.Covariance, Is.EqualTo(new[] { 1.0, 0.0, 0.0, 3.0 }).Within(1e-15));
        Assert.That(stats.Count, Is.EqualTo(3));
    }

    [Test]
    public void Accumulator_StreamedBatchesWithLargeOffset_EqualOneBatch()
    {
        using var g = new Generator(6);
        using var x0 = randn([500, 6], dtype: float64, generator: g);
        using var x = x0 + 1e6;                                               // a large common offset (shifted sums keep precision)
        var whole = FeatureStatistics.FromFeatures(x);
        using var accumulator = new FeatureStatisticsAccumulator();
        foreach (var (start, len) in new[] { (0L, 7L), (7L, 300L), (307L, 193L) })
        {
            using var part = x.narrow(0, start, len);
            accumulator.Add(part);
        }
        var streamed = accumulator.ToStatistics();
        var reference = FeatureStatistics.FromFeatures(x0);                   // covariance is shift-invariant
        Assert.That(streamed.Count, Is.EqualTo(500));
        Assert.That(streamed.Mean, Is.EqualTo(whole.Mean).Within(1e-9));
        Assert.That(streamed.Covariance, Is.EqualTo(reference.Covariance).Within(1e-9));
    }

    [Test]
    public void SaveLoad_RoundTrip_KeepsEveryBitAndTheMetadata()
    {
        using var g = new Generator(7);
        using var x = randn([50, 4], dtype: float64, generator: g);
        var stats = FeatureStatistics.FromFeatures(x, "cnn-test", "abc123");
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "Metrics", "stats-roundtrip.safetensors");
        stats.Save(path, new Dictionary<string, string> { ["dataset"] = "synthetic" });
        var loaded = FeatureStatistics.Load(path, out var metadata);
        Assert.That(loaded.Mean, Is.EqualTo(stats.Mean));
        Assert.That(loaded.Covariance, Is.EqualTo(stats.Covariance));
        Assert.That(loaded.Count, Is.EqualTo(50));
        Assert.That((loaded.ExtractorName, loaded.ExtractorHash), Is.EqualTo(("cnn-test", "abc123")));
        Assert.That(metadata["dataset"], Is.EqualTo("synthetic"));
    }

    [Test]
    public void Load_AnotherSafetensorsFile_ThrowsInvalidData()
    {
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "Metrics", "not-stats.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var w = zeros(3);
        SafeTensors.Write(path, [new("weights", w)]);
        Assert.Throws<InvalidDataException>(() => FeatureStatistics.Load(path));
    }
}
