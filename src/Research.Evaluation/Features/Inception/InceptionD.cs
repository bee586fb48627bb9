using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Features.Inception;

/// <summary>torchvision's <c>InceptionD</c> (Mixed_7a, a grid reduction), unchanged in pytorch-fid.</summary>
public sealed class InceptionD : nn.Module<Tensor, Tensor>
{
    private readonly BasicConv2d branch3x3_1, branch3x3_2, branch7x7x3_1, branch7x7x3_2, branch7x7x3_3, branch7x7x3_4;

    /// <summary>Output channels: 320 + 192 + <paramref name="inChannels"/>.</summary>
    public InceptionD(long inChannels) : base("InceptionD")
    {
        branch3x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch3x3_2 = new BasicConv2d(192, 320, 3, stride: 2);
        branch7x7x3_1 = new BasicConv2d(inChannels, 192, 1);
        branch7x7x3_2 = new BasicConv2d(192, 192, (1, 7), padding: (0, 3));
        branch7x7x3_3 = new BasicConv2d(192, 192, (7, 1), padding: (3, 0));
        branch7x7x3_4 = new BasicConv2d(192, 192, 3, stride: 2);
        RegisterComponents();
    }

    /// <summary><c>[N, in, H, W]</c> → <c>[N, 512 + in, H', W']</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var b3 = branch3x3_2.call(branch3x3_1.call(x));
        var b7 = branch7x7x3_4.call(branch7x7x3_3.call(branch7x7x3_2.call(branch7x7x3_1.call(x))));
        var bp = nn.functional.max_pool2d(x, 3, stride: 2);
        return cat([b3, b7, bp], 1).MoveToOuterDisposeScope();
    }
}
