using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Features.Inception;

/// <summary>
/// pytorch-fid's <c>FIDInceptionA</c> (Mixed_5b–5d): torchvision's InceptionA with TensorFlow's average pooling,
/// which leaves the zero padding out of the mean (<c>count_include_pad=False</c>).
/// </summary>
public sealed class FidInceptionA : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch5x5_1, branch5x5_2, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3, branch_pool;

    /// <summary>Output channels: 64 + 64 + 96 + <paramref name="poolFeatures"/>.</summary>
    public FidInceptionA(long inChannels, long poolFeatures) : base("FIDInceptionA")
    {
        branch1x1 = new BasicConv2d(inChannels, 64, 1);
        branch5x5_1 = new BasicConv2d(inChannels, 48, 1);
        branch5x5_2 = new BasicConv2d(48, 64, 5, padding: 2);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, padding: 1);
        branch_pool = new BasicConv2d(inChannels, poolFeatures, 1);
        RegisterComponents();
    }

    /// <summary><c>[N, in, H, W]</c> → <c>[N, 224 + pool_features, H, W]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.call(x);
        var b5 = branch5x5_2.call(branch5x5_1.call(x));
        var b3 = branch3x3dbl_3.call(branch3x3dbl_2.call(branch3x3dbl_1.call(x)));
        var pooled = nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false);
        var bp = branch_pool.call(pooled);
        return cat([b1, b5, b3, bp], 1).MoveToOuterDisposeScope();
    }
}
