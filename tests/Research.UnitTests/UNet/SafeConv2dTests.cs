using Research.Core.Backbones;
using Research.Core.Layers;
using Research.Models.UNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.UNet;

/// <summary>
/// Guards the oneDNN work-around: the runtime keeps oneDNN on, whose 3×3 convolutions returned wrong or NaN input
/// gradients here for output channels that are not multiples of 16 (and wrong outputs for 24 input channels), at
/// random; <see cref="SafeConv2d"/> pads channels to 16. Forward, input and weight gradients are checked against
/// float64 several times, for channel counts on both sides of the bug.
/// </summary>
public class SafeConv2dTests
{
    private static readonly int[] Channels = [1, 3, 8, 24, 32];

    [Test]
    public void ForwardAndGradients_AnyChannelCounts_MatchFloat64EveryTime()
    {
        var failures = new List<string>();
        foreach (int cin in Channels)
        foreach (int cout in Channels)
        foreach (int stride in new[] { 1, 2 })
        {
            using var scope = NewDisposeScope();
            torch.manual_seed(cin * 100 + cout);
            var conv = new SafeConv2d(cin, cout, 3, stride: stride, padding: 1);
            var w64 = conv.Weight.detach().to_type(float64);
            var b64 = conv.Bias!.detach().to_type(float64);
            var g = new Generator(3);
            var x0 = randn([4, cin, 12, 12], generator: g);
            var x64 = x0.to_type(float64).requires_grad_();
            var wt64 = w64.clone().requires_grad_();
            var y64 = nn.functional.conv2d(x64, wt64, b64, strides: [stride, stride], padding: [1, 1]);
            var upstream = randn(y64.shape, generator: g);
            (y64 * upstream.to_type(float64)).sum().backward();
            for (int rep = 0; rep < 4; rep++)
            {
                conv.zero_grad();
                var x = x0.clone().requires_grad_();
                var y = conv.call(x);
                (y * upstream).sum().backward();
                double fwd = MaxDiff(y, y64), dx = MaxDiff(x.grad!, x64.grad!), dw = MaxDiff(conv.Weight.grad!, wt64.grad!);
                if (!(fwd < 1e-4 && dx < 1e-4 && dw < 1e-3))
                    failures.Add($"{cin}→{cout} stride {stride} repeat {rep}: |Δy| {fwd:E1}, |Δdx| {dx:E1}, |Δdw| {dw:E1}");
            }
        }
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void Construction_SameSeed_SameParametersNamesAndShapesAsConv2d()
    {
        torch.manual_seed(7);
        using var reference = nn.Conv2d(3, 8, 3, padding: 1);
        torch.manual_seed(7);
        using var safe = new SafeConv2d(3, 8, 3, padding: 1);
        var a = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var b = safe.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.That(b.Keys, Is.EquivalentTo(a.Keys));
        foreach (var (name, p) in a) Assert.That(TestTensors.AreIdentical(p, b[name]), Is.True, name);
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

    private static double MaxDiff(Tensor a, Tensor b) =>
        (a.to_type(float64) - b.to_type(float64)).abs().max().nan_to_num(1e9).item<double>();
}
