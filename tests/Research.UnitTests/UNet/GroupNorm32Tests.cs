using Research.Core.Backbones;
using Research.Models.UNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.UNet;

public class GroupNorm32Tests
{
    [Test]
    public void New_AnyWidth_WeightIsOneAndBiasIsZero()
    {
        foreach (var c in new[] { 8, 32, 96 })
        {
            using var norm = new GroupNorm32(c);
            var p = norm.named_parameters().ToDictionary(x => x.name, x => x.parameter);
            Assert.That(p.Keys, Is.EquivalentTo(new[] { "weight", "bias" }));
            Assert.That(p["weight"].eq(1).all().item<bool>(), Is.True, $"weight of GroupNorm32({c})");
            Assert.That(p["bias"].eq(0).all().item<bool>(), Is.True, $"bias of GroupNorm32({c})");
        }
    }

    [Test]
    public void Forward_RandomInput_EachGroupHasZeroMeanUnitVariance()
    {
        using var norm = new GroupNorm32(64);                                   // 32 groups of 2 channels
        using var g = new Generator(3);
        using var x = randn([2, 64, 4, 4], generator: g) * 3 + 5;
        using var y = norm.call(x);
        using var grouped = y.reshape(2, 32, -1);
        using var mean = grouped.mean([2]);
        using var variance = grouped.var([2], unbiased: false);
        Assert.That(mean.abs().max().item<float>(), Is.LessThan(1e-5f));
        Assert.That((variance - 1).abs().max().item<float>(), Is.LessThan(1e-3f));
    }

    [Test]
    public void Forward_Bfloat16Input_ComputesInFloat32AndReturnsBfloat16()
    {
        using var norm = new GroupNorm32(32);
        using var g = new Generator(4);
        using var x = randn([1, 32, 2, 2], generator: g);
        using var xb = x.to_type(ScalarType.BFloat16);
        using var y = norm.call(xb);
        Assert.That(y.dtype, Is.EqualTo(ScalarType.BFloat16));
    }

    [Test]
    public void UNetAndEncoder_EveryNorm_InitialisedToOneAndZero()
    {
        using var unet = UNetFactory.Create(TinyUNet.Options(), new BackboneRequest("denoiser", 3, 3));
        using var encoder = UNetFactory.Create(TinyUNet.Options(), new BackboneRequest("classifier", 3, 5, BackboneOutput.Pooled));
        int norms = 0;
        foreach (var net in new[] { unet, encoder })
            foreach (var (name, module) in net.named_modules())
            {
                if (module is not GroupNorm32) continue;
                norms++;
                var p = module.named_parameters().ToDictionary(x => x.name, x => x.parameter);
                Assert.That(p["weight"].eq(1).all().item<bool>() && p["bias"].eq(0).all().item<bool>(), Is.True, name);
            }
        Assert.That(norms, Is.GreaterThan(10));
    }
}
