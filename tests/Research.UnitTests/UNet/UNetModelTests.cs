using Microsoft.Extensions.DependencyInjection;
using Research.Core.Backbones;
using Research.Core.Registry;
using Research.Models.UNet;
using Research.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.UNet;

public class UNetModelTests
{
    private static (Tensor X, Tensor T) Inputs(int batch = 3, int channels = 3, ulong seed = 5)
    {
        using var g = new Generator(seed);
        return (randn([batch, channels, 8, 8], generator: g), tensor(new long[] { 0, 7, 999 }[..batch]));
    }

    [Test]
    public void Registry_DenseRequest_BuildsUNetModelWithInputShape()
    {
        using var sp = new ServiceCollection().AddComponentRegistry().AddBuiltInComponents().BuildServiceProvider();
        var registry = sp.GetRequiredService<ComponentRegistry>();
        using var net = registry.Create<Backbone>(ComponentKind.Backbone, "unet", TinyUNet.Options(), new BackboneRequest("denoiser", 3, 6));
        Assert.That(net, Is.InstanceOf<UNetModel>());
        var (x, t) = Inputs();
        using (x) using (t) using (var y = net.call(x, t, null, null))
            Assert.That(y.shape, Is.EqualTo(new long[] { 3, 6, 8, 8 }));
    }

    [TestCase("attention")]
    [TestCase("adaptive")]
    public void Registry_PooledRequest_BuildsEncoderWithOneVectorPerSample(string pool)
    {
        using var sp = new ServiceCollection().AddComponentRegistry().AddUNetBackbone().BuildServiceProvider();
        var registry = sp.GetRequiredService<ComponentRegistry>();
        var options = TinyUNet.Options();
        options.Pool = pool;
        using var net = registry.Create<Backbone>(ComponentKind.Backbone, "unet", options, new BackboneRequest("discriminator", 6, 1, BackboneOutput.Pooled));
        Assert.That(net, Is.InstanceOf<EncoderUNetModel>());
        var (x, t) = Inputs(channels: 6);
        using (x) using (t) using (var y = net.call(x, t, null, null))
            Assert.That(y.shape, Is.EqualTo(new long[] { 3, 1 }));
    }

    [Test]
    public void Forward_FreshNetwork_OutputIsZeroBecauseOutputConvIsZeroInitialised()
    {
        using var net = UNetFactory.Create(TinyUNet.Options(), new BackboneRequest("denoiser", 3, 3));
        var (x, t) = Inputs();
        using (x) using (t) using (var y = net.call(x, t, null, null))
            Assert.That(y.abs().max().item<float>(), Is.EqualTo(0f));
    }

    [Test]
    public void Forward_ClassConditional_DifferentLabelsGiveDifferentOutputs()
    {
        using var net = UNetFactory.Create(TinyUNet.Options(), new BackboneRequest("denoiser", 3, 3) { NumClasses = 4 });
        TinyUNet.Perturb(net);
        net.eval();
        var (x, t) = Inputs();
        using (x) using (t)
        using (var ya = tensor(new long[] { 0, 1, 2 }))
        using (var yb = tensor(new long[] { 3, 1, 2 }))
        using (var a = net.call(x, t, ya, null))
        using (var b = net.call(x, t, yb, null))
        {
            using var diff = (a - b).abs().amax([1, 2, 3]);                         // [B]
            Assert.That(diff[0].item<float>(), Is.GreaterThan(1e-4f), "changing sample 0's label changes its output");
            Assert.That(diff[1].item<float>() + diff[2].item<float>(), Is.EqualTo(0f), "other samples are unaffected");
            Assert.Throws<ArgumentException>(() => net.call(x, t, null, null).Dispose());
        }
    }

    [Test]
    public void Forward_LatentConditional_DifferentZGivesDifferentOutputsInBothHeads()
    {
        foreach (var output in new[] { BackboneOutput.Dense, BackboneOutput.Pooled })
        {
            using var net = UNetFactory.Create(TinyUNet.Options(), new BackboneRequest("generator", 3, 3, output) { LatentDim = 5 });
            Assert.That(net.named_parameters().Select(p => p.name), Has.Member("z_transform.1.weight").And.Member("z_transform.3.weight"));
            TinyUNet.Perturb(net);
            net.eval();
            var (x, t) = Inputs();
            using var g = new Generator(9);
            using (x) using (t)
            using (var za = randn([3, 5], generator: g))
            using (var zb = randn([3, 5], generator: g))
            using (var a = net.call(x, t, null, za))
            using (var b = net.call(x, t, null, zb))
                Assert.That((a - b).abs().max().item<float>(), Is.GreaterThan(1e-4f), output.ToString());
        }
    }

    [Test]
    public void Forward_TanhOutput_BoundedByOne()
    {
        using var net = UNetFactory.Create(TinyUNet.Options(), new BackboneRequest("generator", 3, 3) { TanhOutput = true });
        TinyUNet.Perturb(net);
        using (no_grad())
            foreach (var p in net.parameters()) p.mul_(20);
        var (x, t) = Inputs();
        using (x) using (t) using (var y = net.call(x, t, null, null))
            Assert.That(y.abs().max().item<float>(), Is.LessThanOrEqualTo(1f));
    }

    [Test]
    public void Backward_DenseLoss_GradientsReachEveryParameter()
    {
        using var net = UNetFactory.Create(TinyUNet.Options(), new BackboneRequest("denoiser", 3, 3) { NumClasses = 2, LatentDim = 4 });
        TinyUNet.Perturb(net);
        var (x, t) = Inputs();
        using var y = tensor(new long[] { 0, 1, 1 });
        using var g = new Generator(2);
        using var z = randn([3, 4], generator: g);
        using (x) using (t)
        using (var loss = net.call(x, t, y, z).square().mean())
            loss.backward();
        var missing = net.named_parameters().Where(p => p.parameter.grad is null || p.parameter.grad.abs().max().item<float>() == 0).Select(p => p.name).ToList();
        Assert.That(missing, Is.Empty);
    }

    [Test]
    public void Forward_WrongImageSize_ThrowsNamingTheOption()
    {
        using var net = UNetFactory.Create(TinyUNet.Options(), new BackboneRequest("denoiser", 3, 3));
        using var x = zeros(1, 3, 16, 16);
        using var t = zeros(1, dtype: int64);
        var e = Assert.Throws<ArgumentException>(() => net.call(x, t, null, null).Dispose());
        Assert.That(e!.Message, Does.Contain("image_size"));
    }

    [Test]
    public void Validate_BadSettings_EachReportedWithItsKey()
    {
        var o = new UNetOptions { ImageSize = 28, AttentionResolutions = [16] };
        Assert.That(o.Validate(), Has.Some.StartsWith("channel_mult:"));
        o.ChannelMult = [1, 2];
        o.ModelChannels = 12;
        o.NumHeadChannels = 5;
        o.Pool = "max";
        var problems = o.Validate().ToList();
        Assert.That(problems, Has.Some.StartsWith("attention_resolutions: 16"));
        Assert.That(problems, Has.Some.StartsWith("num_head_channels:"));
        Assert.That(problems, Has.Some.StartsWith("pool:"));
        Assert.That(new UNetOptions().Validate(), Is.Empty, "defaults are valid");
        Assert.That(TinyUNet.Options().Validate(), Is.Empty);
    }

    [Test]
    public void Options_AttentionResolutions_ConvertedToDownsamplingFactors()
    {
        var o = new UNetOptions { ImageSize = 64, AttentionResolutions = [32, 16, 8] };
        Assert.That(o.AttentionDownsampleFactors(), Is.EquivalentTo(new[] { 2, 4, 8 }));
        Assert.That(o.EffectiveChannelMult(), Is.EqualTo(new double[] { 1, 2, 3, 4 }));
    }
}
