using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Evaluation.Features.Inception;

/// <summary>
/// Convolution without bias → BatchNorm (ε = 0.001) → ReLU: torchvision's <c>BasicConv2d</c>, with its parameter
/// names (<c>conv</c>, <c>bn</c>) so pytorch-fid weights load by key.
/// </summary>
public sealed class BasicConv2d : nn.Module<Tensor, Tensor>
{
    private readonly Conv2d conv;
    private readonly BatchNorm2d bn;

    /// <summary>A square or rectangular convolution (kernel, stride, padding as (height, width)).</summary>
    public BasicConv2d(long inChannels, long outChannels, (long, long) kernel, (long, long)? stride = null, (long, long)? padding = null)
        : base("BasicConv2d")
    {
        conv = nn.Conv2d(inChannels, outChannels, kernel, stride: stride ?? (1, 1), padding: padding ?? (0, 0), bias: false);
        bn = nn.BatchNorm2d(outChannels, eps: 0.001);
        RegisterComponents();
    }

    /// <summary>A k×k convolution with a scalar stride and padding.</summary>
    public BasicConv2d(long inChannels, long outChannels, long kernel, long stride = 1, long padding = 0)
        : this(inChannels, outChannels, (kernel, kernel), (stride, stride), (padding, padding))
    {
    }

    /// <summary><c>[N, C, H, W]</c> → <c>[N, out, H', W']</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        using var c = conv.call(x);
        using var b = bn.call(c);
        return nn.functional.relu(b);
    }
}
