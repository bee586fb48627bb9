using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Features.Inception;

/// <summary>torchvision's <c>InceptionB</c> (Mixed_6a, a grid reduction), unchanged in pytorch-fid.</summary>
public sealed class InceptionB : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3, branch3x3dbl_1, branch3x3dbl_2, branch3x3dbl_3;

    /// <summary>Output channels: 384 + 96 + <paramref name="inChannels"/>; spatial size (H − 3)/2 + 1.</summary>
    public InceptionB(long inChannels) : base("InceptionB")
    {
        branch3x3 = new BasicConv2d(inChannels, 384, 3, stride: 2);
        branch3x3dbl_1 = new BasicConv2d(inChannels, 64, 1);
        branch3x3dbl_2 = new BasicConv2d(64, 96, 3, padding: 1);
        branch3x3dbl_3 = new BasicConv2d(96, 96, 3, stride: 2);
        RegisterComponents();
    }

    /// <summary><c>[N, in, H, W]</c> → <c>[N, 480 + in, H', W']</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b3 = branch3x3.call(x);
        var bd = branch3x3dbl_3.call(branch3x3dbl_2.call(branch3x3dbl_1.call(x)));
        var bp = nn.functional.max_pool2d(x, 3, stride: 2);
        return cat([b3, bd, bp], 1).MoveToOuterDisposeScope();
    }
}
