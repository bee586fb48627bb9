using Research.Core.Backbones;
using Research.Models.UNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.UNet;

/// <summary>
/// Guards TorchRuntime's "oneDNN off": with libtorch 2.10's oneDNN on this machine, conv2d backward returned wrong or NaN
/// input gradients whenever a convolution has few output channels (3, 6, 8 — every UNet's output conv), so an 8-channel
/// UNet diverged at its second Adam step.
/// </summary>
public class ConvBackwardTests
{
    [TestCase(128, 3)]
    [TestCase(32, 8)]
    [TestCase(8, 8)]
    [TestCase(6, 6)]
    public void InputGradient_FewOutputChannels_MatchesFloat64EveryTime(int cin, int cout)
    {
        torch.manual_seed(1);
        using var conv = nn.Conv2d(cin, cout, 3, padding: 1);
        using var conv64 = nn.Conv2d(cin, cout, 3, padding: 1, dtype: float64);
        using (no_grad())
        {
            conv64.weight!.copy_(conv.weight!);
            conv64.bias!.copy_(conv.bias!);
        }
        using var g = new Generator(3);
        using var x0 = randn([4, cin, 8, 8], generator: g);
        using var w = randn([4, cout, 8, 8], generator: g);
        using var x64 = x0.to_type(float64).requires_grad_();
        using (var l = (conv64.call(x64) * w.to_type(float64)).sum()) l.backward();
        for (int rep = 0; rep < 6; rep++)
        {
            using var x = x0.clone().requires_grad_();
            using (var l = (conv.call(x) * w).sum()) l.backward();
            double diff = (x.grad!.to_type(float64) - x64.grad!).abs().max().item<double>();
            Assert.That(diff, Is.LessThan(1e-4), $"repeat {rep}");
        }
    }

    [Test]
    public void AdamSteps_TinyUNet_ParametersStayFinite()
    {
        torch.manual_seed(1);
        using var net = UNetFactory.Create(TinyUNet.Options(), new BackboneRequest("denoiser", 1, 1) { NumClasses = 10 });
        using var opt = optim.Adam(net.parameters(), 2e-4);
        using var g = new Generator(3);
        for (int step = 0; step < 4; step++)
        {
            using var scope = NewDisposeScope();
            var x = randn([4, 1, 8, 8], generator: g);
            var t = randint(0, 50, [4], dtype: int64, generator: g);
            var y = randint(0, 10, [4], dtype: int64, generator: g);
            opt.zero_grad();
            var loss = (net.call(x, t, y, null) - x).square().mean();
            loss.backward();
            opt.step();
            Assert.That(float.IsFinite(loss.item<float>()), Is.True, $"loss at step {step}");
        }
        var bad = net.named_parameters().Where(p => !p.parameter.isfinite().all().item<bool>()).Select(p => p.name).ToList();
        Assert.That(bad, Is.Empty);
    }
}
