using Research.Core.Layers;
using Research.Training.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

/// <summary>The FLOP count behind the benchmark's GFLOP/s (issue 20): hand-counted layers.</summary>
public class FlopCounterTests
{
    private sealed class Block : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _conv = nn.Conv2d(4, 8, 3, stride: 2, padding: 1, groups: 2);
        private readonly nn.Module<Tensor, Tensor> _head = nn.Linear(8, 5);
        private readonly nn.Module<Tensor, Tensor> _qkv = nn.Conv1d(8, 24, 1);

        public Block() : base(nameof(Block)) => RegisterComponents();

        public override Tensor forward(Tensor x)
        {
            var h = _conv.call(x);                                   // [2, 8, 3, 3]
            var seq = _qkv.call(h.flatten(2));                       // [2, 24, 9]
            return _head.call(h.mean([2L, 3L])) + seq.sum();         // [2, 5]
        }
    }

    [Test]
    public void ForwardFlops_StridedGroupedConvConv1dAndLinear_TwoPerMultiplyAdd()
    {
        using var block = new Block();
        using var x = ones(2, 4, 6, 6);
        double flops = FlopCounter.ForwardFlops(block, () => block.call(x).Dispose());
        // conv: 2·8·3·3 outputs × (4/2)·3·3 MACs; conv1d: 2·24·9 outputs × 8 MACs; linear: 2·5 outputs × 8 MACs.
        double expected = 2.0 * (2 * 8 * 3 * 3 * 18 + 2 * 24 * 9 * 8 + 2 * 5 * 8);
        Assert.That(flops, Is.EqualTo(expected));
    }

    [Test]
    public void ForwardFlops_SafeConv2d_CountsItsRealChannelsNotThePadding()
    {
        // Every spatial convolution of the UNet and the DDGAN discriminator is a SafeConv2d (channels padded to 16 inside):
        // without it the benchmark's GFLOP/s missed almost all of a UNet's work.
        using var conv = new SafeConv2d(3, 5, 3, padding: 1);
        using var x = ones(2, 3, 4, 4);
        double flops = FlopCounter.ForwardFlops(conv, () => conv.call(x).Dispose());
        Assert.That(flops, Is.EqualTo(2.0 * (2 * 5 * 4 * 4) * (3 * 3 * 3)));
    }
}
