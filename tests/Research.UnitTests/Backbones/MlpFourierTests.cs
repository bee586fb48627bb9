using Research.Core.Backbones;
using Research.Models.Mlp;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Backbones;

/// <summary>The MLP's Gaussian random Fourier features (<see cref="MlpOptions.GaussianFourierFeatures"/>).</summary>
public sealed class MlpFourierTests
{
    private static MlpBackbone Build(int features, double scale = 4.0) => new(
        new MlpOptions { HiddenDim = 8, NumLayers = 1, TimeEmbedDim = 4, InputFourierBands = 2, GaussianFourierFeatures = features, GaussianFourierScale = scale },
        new BackboneRequest("discriminator", 4, 1, BackboneOutput.Pooled));

    [Test]
    public void GaussianFeatures_ProjectionIsAPersistentBufferDrawnFromTheSeededStreamWithTheRequestedScale()
    {
        manual_seed(3);
        using var a = Build(512, scale: 5.0);
        manual_seed(3);
        using var b = Build(512, scale: 5.0);
        var buffers = a.state_dict();
        Assert.That(buffers.Keys, Does.Contain("fourier_b"), "saved with the weights (checkpoints, EMA sampling)");
        var proj = buffers["fourier_b"];
        Assert.That(proj.shape, Is.EqualTo(new long[] { 4, 512 }));
        Assert.That(TestTensors.AreIdentical(proj, b.state_dict()["fourier_b"]), Is.True, "same seed, same B");
        double std = proj.std().item<float>();
        Assert.That(std, Is.EqualTo(5.0).Within(0.3), "entries N(0, s²)");
        Assert.That(a.named_parameters().Select(p => p.name), Has.None.EqualTo("fourier_b"), "B is not trained");
    }

    [Test]
    public void GaussianFeatures_WidenTheInputLayerAndForwardRuns()
    {
        manual_seed(1);
        using var off = Build(0);
        using var on = Build(16);
        long InFeatures(MlpBackbone m) => m.named_parameters().First(p => p.name == "input.weight").parameter.shape[1];
        Assert.That(InFeatures(off), Is.EqualTo(4 * (1 + 2 * 2)));
        Assert.That(InFeatures(on), Is.EqualTo(4 * (1 + 2 * 2) + 2 * 16));
        using var scope = NewDisposeScope();
        var y = on.call(randn([6, 4]), zeros([6], dtype: int64), null, null);
        Assert.That(y.shape, Is.EqualTo(new long[] { 6, 1 }));
        Assert.That(y.isfinite().all().item<bool>(), Is.True);
    }
}
