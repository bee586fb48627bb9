using Research.Evaluation.Features;
using Research.Evaluation.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

public class StatisticsCacheTests
{
    private static readonly FeatureCnnOptions Tiny = new() { Width = 2, FeatureDim = 4 };

    [Test]
    public void Key_ChangesWhenAWeightChanges_AndNotForAnIdenticalCopy()
    {
        using var a = NewExtractor(seed: 1);
        using var b = NewExtractor(seed: 1);
        var before = StatisticsCache.Key("synthetic", "n=64;seed=0", a);
        Assert.That(StatisticsCache.Key("synthetic", "n=64;seed=0", b), Is.EqualTo(before), "same weights, same key");
        using (no_grad()) a.Network.parameters().First().flatten()[0].add_(1e-3f);
        Assert.That(StatisticsCache.Key("synthetic", "n=64;seed=0", a), Is.Not.EqualTo(before), "a changed weight must change the key");
        Assert.That(StatisticsCache.Key("synthetic", "n=128;seed=0", b), Is.Not.EqualTo(before), "a changed data identity must change the key");
    }

    [Test]
    public void GetOrCompute_SecondCallHits_ChangedExtractorRecomputes()
    {
        var root = Path.Combine(TestContext.CurrentContext.WorkDirectory, "Metrics", "stats-cache-" + Guid.NewGuid().ToString("N")[..8]);
        var cache = new StatisticsCache(root);
        using var extractor = NewExtractor(seed: 2);
        using var data = new SyntheticImageSource();
        int computed = 0;
        FeatureStatistics Compute()
        {
            computed++;
            return FeatureExtraction.StatisticsOf(extractor, data, count: 40, batchSize: 16, seed: 0);
        }

        var first = cache.GetOrCompute("synthetic", "n=40;seed=0", extractor, Compute, out var hit1);
        var second = cache.GetOrCompute("synthetic", "n=40;seed=0", extractor, Compute, out var hit2);
        Assert.That((hit1, hit2, computed), Is.EqualTo((false, true, 1)));
        Assert.That(second.Covariance, Is.EqualTo(first.Covariance));
        Assert.That(second.ExtractorHash, Is.EqualTo(extractor.IdentityHash));

        using (no_grad()) extractor.Network.parameters().Last().flatten()[0].add_(0.5f);
        cache.GetOrCompute("synthetic", "n=40;seed=0", extractor, Compute, out var hit3);
        Assert.That((hit3, computed), Is.EqualTo((false, 2)));
        Assert.That(Directory.GetFiles(root, "synthetic-cnn-synthetic-*.safetensors"), Has.Length.EqualTo(2));
    }

    private static CnnFeatureExtractor NewExtractor(long seed)
    {
        manual_seed(seed);
        return new CnnFeatureExtractor(new FeatureCnn(Tiny), "synthetic");
    }
}
