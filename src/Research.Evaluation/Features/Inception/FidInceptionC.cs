using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Features.Inception;

/// <summary>
/// pytorch-fid's <c>FIDInceptionC</c> (Mixed_6b–6e): torchvision's InceptionC (factorised 7×7 convolutions) with
/// TensorFlow's average pooling (<c>count_include_pad=False</c>).
/// </summary>
public sealed class FidInceptionC : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch1x1, branch7x7_1, branch7x7_2, branch7x7_3;
    private readonly BasicConv2d branch7x7dbl_1, branch7x7dbl_2, branch7x7dbl_3, branch7x7dbl_4, branch7x7dbl_5, branch_pool;

    /// <summary>Output channels: 4 × 192 = 768.</summary>
    public FidInceptionC(long inChannels, long channels7x7) : base("FIDInceptionC")
    {
        long c7 = channels7x7;
        branch1x1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7_2 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
        branch7x7_3 = new BasicConv2d(c7, 192, (7, 1), padding: (3, 0));
        branch7x7dbl_1 = new BasicConv2d(inChannels, c7, 1);
        branch7x7dbl_2 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
        branch7x7dbl_3 = new BasicConv2d(c7, c7, (1, 7), padding: (0, 3));
        branch7x7dbl_4 = new BasicConv2d(c7, c7, (7, 1), padding: (3, 0));
        branch7x7dbl_5 = new BasicConv2d(c7, 192, (1, 7), padding: (0, 3));
        branch_pool = new BasicConv2d(inChannels, 192, 1);
        RegisterComponents();
    }

    /// <summary><c>[N, in, H, W]</c> → <c>[N, 768, H, W]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b1 = branch1x1.call(x);
        var b7 = branch7x7_3.call(branch7x7_2.call(branch7x7_1.call(x)));
        var bd = branch7x7dbl_1.call(x);
        bd = branch7x7dbl_5.call(branch7x7dbl_4.call(branch7x7dbl_3.call(branch7x7dbl_2.call(bd))));
        var pooled = nn.functional.avg_pool2d(x, 3, stride: 1, padding: 1, count_include_pad: false);
        var bp = branch_pool.call(pooled);
        return cat([b1, b7, bd, bp], 1).MoveToOuterDisposeScope();
    }
}
