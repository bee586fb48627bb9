using Research.Core.IO;
using Research.Evaluation.Features;
using Research.Evaluation.Features.Inception;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

/// <summary>The pytorch-fid Inception with random weights: shapes, key names, loader. One forward of two small images.</summary>
[NonParallelizable]
public class InceptionV3FidTests
{
    [Test]
    public void Features_TwoGreyImages_Are2048DAndLogits1008_AndTheFileRoundTrips()
    {
        manual_seed(0);
        using var extractor = new InceptionFeatureExtractor(new InceptionV3Fid());
        var keys = extractor.IdentityHash; // touches every weight once
        Assert.That(keys, Has.Length.EqualTo(64));

        using var g = new Generator(3);
        using var images = rand([2, 1, 32, 32], generator: g) * 2 - 1;
        var (features, logits) = extractor.FeaturesAndLogits(images);
        using (features)
        using (logits)
        {
            Assert.That(features.shape, Is.EqualTo(new long[] { 2, 2048 }));
            Assert.That(logits.shape, Is.EqualTo(new long[] { 2, 1008 }));
            Assert.That(features.isfinite().all().item<bool>(), Is.True);
            Assert.That(features.min().item<float>(), Is.GreaterThanOrEqualTo(0f), "pool_3 follows a ReLU");
        }

        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "Metrics", "inception-random.safetensors");
        SafeTensorsWeights.Save(extractor.Network, path);
        using var loaded = InceptionFeatureExtractor.Load(path);
        Assert.That(loaded.IdentityHash, Is.EqualTo(extractor.IdentityHash));
    }

    [Test]
    public void StateDict_UsesPytorchFidKeyNames()
    {
        manual_seed(0);
        using var network = new InceptionV3Fid();
        var keys = network.state_dict().Keys.ToHashSet();
        Assert.That(keys, Does.Contain("Conv2d_1a_3x3.conv.weight"));
        Assert.That(keys, Does.Contain("Conv2d_4a_3x3.bn.running_var"));
        Assert.That(keys, Does.Contain("Mixed_5b.branch5x5_2.conv.weight"));
        Assert.That(keys, Does.Contain("Mixed_6e.branch7x7dbl_5.bn.bias"));
        Assert.That(keys, Does.Contain("Mixed_7a.branch7x7x3_4.conv.weight"));
        Assert.That(keys, Does.Contain("Mixed_7c.branch3x3dbl_3b.bn.running_mean"));
        Assert.That(keys, Does.Contain("fc.weight"));
        Assert.That(keys.Any(k => k.Contains("AuxLogits", StringComparison.Ordinal)), Is.False);
        Assert.That(network.state_dict()["Mixed_6b.branch7x7_2.conv.weight"].shape, Is.EqualTo(new long[] { 128, 128, 1, 7 }));
        Assert.That(network.parameters().Sum(p => p.numel()), Is.EqualTo(23_850_960L),
            "torchvision inception_v3: 27,161,264 − AuxLogits 3,326,696 + 8 more classes × 2049");
    }

    [Test]
    public void Load_FileMissingAKeyOrWithAWrongShape_ListsTheProblems()
    {
        manual_seed(0);
        using var network = new InceptionV3Fid();
        var state = network.state_dict().Where(p => p.Key != "Mixed_5b.branch1x1.conv.weight").ToList();
        using var wrong = zeros(7);
        state = state.Select(p => p.Key == "fc.bias" ? new KeyValuePair<string, Tensor>(p.Key, wrong) : p).ToList();
        var path = Path.Combine(TestContext.CurrentContext.WorkDirectory, "Metrics", "inception-bad.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        SafeTensors.Write(path, state.Append(new("extra.weight", wrong)));
        var e = Assert.Throws<InvalidDataException>(() => InceptionFeatureExtractor.Load(path))!;
        Assert.That(e.Message, Does.Contain("missing 'Mixed_5b.branch1x1.conv.weight'")
            .And.Contain("'fc.bias' has shape [7], expected [1008]").And.Contain("unexpected 'extra.weight'"));
    }

    [Test]
    public void Preprocess_GreySmallImages_Become299RgbInRange()
    {
        manual_seed(0);
        using var extractor = new InceptionFeatureExtractor(new InceptionV3Fid());
        using var black = full([2, 1, 28, 28], -1f);
        using var x = extractor.Preprocess(black);
        Assert.That(x.shape, Is.EqualTo(new long[] { 2, 3, 299, 299 }));
        Assert.That(x.max().item<float>(), Is.EqualTo(-1f));
        // Quantisation: 0.001 maps to round(127.6275)/255 = 128/255 in [0, 1], i.e. 2·128/255 − 1 after normalising.
        using var grey = full([1, 3, 8, 8], 0.001f);
        using var q = extractor.Preprocess(grey);
        Assert.That(q[0, 0, 150, 150].item<float>(), Is.EqualTo(2 * 128f / 255 - 1).Within(1e-6));
    }
}
