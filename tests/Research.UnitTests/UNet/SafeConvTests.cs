using Research.Core.Backbones;
using Research.Core.Layers;
using Research.Models.UNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.UNet;

/// <summary>
/// Guards the oneDNN work-around: the runtime keeps oneDNN on, whose 3×3 convolutions returned wrong or NaN input
/// gradients here for output channels that are not multiples of 16 (and wrong outputs for 24 input channels), at
/// random, and whose bf16 1×1 convolutions return wrong input gradients for odd output counts below 16 and wrong outputs
/// for one input channel, every time; <see cref="SafeConv2d"/> and <see cref="SafeConv1d"/> pad channels to 16
/// (<see cref="ChannelPadding"/>). Forward, input and weight gradients are checked against float64, for channel counts
/// on both sides of the bug.
/// </summary>
public class SafeConvTests
{
    // (C_in, C_out) pairs: the bf16 1×1 kernels oneDNN got wrong here (one input channel; 1, 3, 15 of the odd output counts below 16)
    // and two it got right.
    private static readonly (int In, int Out)[] PointwisePairs = [(1, 16), (2, 1), (16, 1), (16, 3), (32, 15), (16, 48), (24, 17)];

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

    [TestCase(1)]
    [TestCase(2)]
    public void Bf16Pointwise_ChannelCountsOneDnnGetsWrong_MatchFloat64(int dims)
    {
        var failures = new List<string>();
        foreach (var (cin, cout) in PointwisePairs)
        {
            using var scope = NewDisposeScope();
            torch.manual_seed(cin * 100 + cout);
            nn.Module<Tensor, Tensor> conv = dims == 1 ? new SafeConv1d(cin, cout, 1) : new SafeConv2d(cin, cout, 1);
            conv.to(bfloat16);
            var weight = dims == 1 ? ((SafeConv1d)conv).Weight : ((SafeConv2d)conv).Weight;
            var bias = dims == 1 ? ((SafeConv1d)conv).Bias! : ((SafeConv2d)conv).Bias!;
            var g = new Generator(3);
            long[] shape = dims == 1 ? [4, cin, 17] : [4, cin, 5, 5];
            var x = randn(shape, generator: g).to_type(bfloat16).requires_grad_();
            var y = conv.call(x);
            var upstream = randn(y.shape, generator: g).to_type(bfloat16);
            y.backward([upstream]);
            // float64 on the very same (bf16-rounded) numbers: what remains is bf16 rounding of the results.
            var x64 = x.detach().to_type(float64).requires_grad_();
            var w64 = weight.detach().to_type(float64).requires_grad_();
            var y64 = dims == 1 ? nn.functional.conv1d(x64, w64, bias.detach().to_type(float64))
                                : nn.functional.conv2d(x64, w64, bias.detach().to_type(float64));
            y64.backward([upstream.to_type(float64)]);
            double fwd = Relative(y, y64), dx = Relative(x.grad!, x64.grad!), dw = Relative(weight.grad!, w64.grad!);
            if (!(fwd < 2e-2 && dx < 2e-2 && dw < 2e-2))
                failures.Add($"{cin}→{cout}: relative |Δy| {fwd:G2}, |Δdx| {dx:G2}, |Δdw| {dw:G2}");
        }
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void Bf16AttentionPool_OneLogit_InputGradientMatchesFloat64()
    {
        // The pooled head of the UNet discriminators: GN, SiLU, attention pooling to one logit (c_proj C → 1).
        torch.manual_seed(11);
        using var pool16 = new AttentionPool2d(4, 32, 16, outputDim: 1);
        torch.manual_seed(11);
        using var pool64 = new AttentionPool2d(4, 32, 16, outputDim: 1);
        pool16.to(bfloat16);
        pool64.to(float64);
        using (no_grad())
            foreach (var ((_, p16), (_, p64)) in pool16.named_parameters().Zip(pool64.named_parameters()))
                p64.copy_(p16.to_type(float64));
        using var scope = NewDisposeScope();
        var g = new Generator(5);
        var x = randn([8, 32, 4, 4], generator: g).to_type(bfloat16).requires_grad_();
        var x64 = x.detach().to_type(float64).requires_grad_();
        var upstream = randn([8, 1], generator: g);
        pool16.call(x).backward([upstream.to_type(bfloat16)]);
        pool64.call(x64).backward([upstream.to_type(float64)]);
        double dx = Relative(x.grad!, x64.grad!);
        TestContext.Out.WriteLine($"relative |Δdx| = {dx:G3}");
        Assert.That(dx, Is.LessThan(5e-2));
    }

    [Test]
    public void Construction_SameSeed_SameParametersNamesShapesAndOutputsAsConv1d()
    {
        torch.manual_seed(7);
        using var reference = nn.Conv1d(8, 24, 1);
        torch.manual_seed(7);
        using var safe = new SafeConv1d(8, 24, 1);
        var a = reference.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var b = safe.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.That(b.Keys, Is.EquivalentTo(a.Keys));
        foreach (var (name, p) in a) Assert.That(TestTensors.AreIdentical(p, b[name]), Is.True, name);
        using var x = randn(2, 8, 17, generator: new Generator(1));
        using var y0 = reference.call(x);
        using var y1 = safe.call(x);
        Assert.That(TestTensors.AreIdentical(y0, y1), Is.True, "fp32 runs libtorch's own conv1d, bit for bit");
    }

    private static double Relative(Tensor a, Tensor b) =>
        ((a.to_type(float64) - b).abs().max() / b.abs().max()).nan_to_num(1e9).item<double>();

    private static double MaxDiff(Tensor a, Tensor b) =>
        (a.to_type(float64) - b.to_type(float64)).abs().max().nan_to_num(1e9).item<double>();
}
