using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Features.Inception;

/// <summary>
/// pytorch-fid's <c>FIDInceptionE_1</c> (Mixed_7b: average pooling without the padding) and <c>FIDInceptionE_2</c>
/// (Mixed_7c: 3×3 max pooling, an oddity of the TensorFlow graph that pytorch-fid reproduces).
/// </summary>
public sealed class FidInceptionE : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch3x3_1, branch3x3_2a, branch3x3_2b;
    private readonly BasicConv2d branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3a, branch3x3dbl_3b, branch_pool;
    private readonly bool _maxPool;

    /// <summary>Output channels: 320 + 768 + 768 + 192 = 2048. <paramref name="maxPool"/> selects E_2.</summary>
    public FidInceptionE(long inChannels, bool maxPool) : base(maxPool ? "FIDInceptionE_2" : "FIDInceptionE_1")
    {
        _maxPool = maxPool;
        branch1x1 = new BasicConv2d(inChannels, 320, 1);
        branch3x3_1 = new BasicConv2d(inChannels, 384, 1);
        branch3x3_2a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3_2b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch3x3dbl_1 = new BasicConv2d(inChannels, 448, 1);
        branch3x3dbl_2 = new BasicConv2d(448, 384, 3, padding: 1);
        branch3x3dbl_3a = new BasicConv2d(384, 384, (1, 3), padding: (0, 1));
        branch3x3dbl_3b = new BasicConv2d(384, 384, (3, 1), padding: (1, 0));
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    /// <summary><c>[N, in, H, W]</c> → <c>[N, 2048, H, W]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.call(x);
        var b3 = branch3x3_1.call(x);
        b3 = cat([branch3x3_2a.call(b3), branch3x3_2b.call(b3)], 1);
        var bd = branch3x3dbl_2.call(branch3x3dbl_1.call(x));
        bd = cat([branch3x3dbl_3a.call(bd), branch3x3dbl_3b.call(bd)], 1);
        var pooled = _maxPool
            ? nn.functional.max_pool2d(x, 3, stride: 1, padding: 1)
            : nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false);
        var bp = branch_pool.call(pooled);
        return cat([b1, b3, bd, bp], 1).MoveToOuterDisposeScope();
    }
}
