using Research.Models.Gan;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Backbones;

/// <summary>
/// <see cref="FirDownsample.Apply"/> (shifted strided sums) is bit-identical in fp32 to the pooling chain it replaced
/// (<see cref="FirDownsample.ApplyWithPooling"/>), forward, backward and in R1's double backward, so seeded fp32 DDGAN runs
/// repeat the numbers of runs made before the change (docs/benchmarks.md).
/// </summary>
[NonParallelizable]
public sealed class FirDownsampleTests
{
    private static bool BitEqual(Tensor a, Tensor b) =>
        a.shape.SequenceEqual(b.shape)
        && a.contiguous().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits)
            .SequenceEqual(b.contiguous().data<float>().ToArray().Select(BitConverter.SingleToInt32Bits));

    [TestCase(28)]
    [TestCase(14)]
    [TestCase(7)]
    [TestCase(3)]
    public void Apply_Fp32_BitIdenticalToPoolingForwardBackwardAndDoubleBackward(int size)
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(11);
        var x = randn([4, 5, size, size], generator: g);
        var upstream = randn([4, 5, size / 2, size / 2], generator: g);

        (Tensor Y, Tensor Grad, Tensor GradOfGradNorm) Run(Func<Tensor, Tensor> fir)
        {
            var xi = x.detach().clone().requires_grad_(true);
            var y = fir(xi);
            // R1-style: ∂(Σ y·u)/∂x with create_graph, then the gradient of its squared norm (a double backward).
            var w = (y.square() * upstream).sum();
            var grad = autograd.grad([w], [xi], create_graph: true, retain_graph: true)[0];
            var gradOfNorm = autograd.grad([grad.square().sum()], [xi])[0];
            return (y.detach(), grad.detach(), gradOfNorm);
        }

        var fast = Run(FirDownsample.Apply);
        var pooled = Run(FirDownsample.ApplyWithPooling);
        Assert.That(BitEqual(fast.Y, pooled.Y), "forward");
        Assert.That(BitEqual(fast.Grad, pooled.Grad), "backward");
        Assert.That(BitEqual(fast.GradOfGradNorm, pooled.GradOfGradNorm), "double backward");
    }

    [Test]
    public void Apply_Bf16_CloseToPooling()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        var x = randn([2, 3, 14, 14], generator: g);
        var fast = FirDownsample.Apply(x.to_type(ScalarType.BFloat16)).to_type(float32);
        Assert.That(fast.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That((fast - FirDownsample.ApplyWithPooling(x)).abs().max().item<float>(), Is.LessThan(0.03f));
    }
}
