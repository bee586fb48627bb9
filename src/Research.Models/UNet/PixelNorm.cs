using TorchSharp;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// Pixel-wise feature normalisation x / √(mean(x², dim 1) + 1e-8) (StyleGAN's mapping-network input, used by DDGAN's
/// generator on z: arXiv 2112.07804, code <c>PixelNorm</c>; docs/methods.md §4.6).
/// </summary>
public sealed class PixelNorm : nn.Module<Tensor, Tensor>
{
    /// <summary>No parameters.</summary>
    public PixelNorm() : base("PixelNorm") { }

    /// <summary>z <c>[B, nz]</c> → <c>[B, nz]</c>.</summary>
    public override Tensor forward(Tensor z)
    {
        using var scope = NewDisposeScope();
        return (z / (z.square().mean([1], keepdim: true) + 1e-8).sqrt()).MoveToOuterDisposeScope();
    }
}
