using Research.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// Halves the spatial size: a stride-2 3×3 convolution (<c>op</c>) or, without a convolution, 2×2 average pooling.
/// guided-diffusion's <c>Downsample</c> (IDDPM, arXiv 2102.09672; ADM, arXiv 2105.05233).
/// </summary>
public sealed class Downsample : nn.Module<Tensor, Tensor>
{
    private readonly SafeConv2d? op;

    /// <summary>Downsampling of <paramref name="channels"/> channels to <paramref name="outChannels"/> (only with a convolution).</summary>
    public Downsample(int channels, bool useConv, int? outChannels = null) : base("Downsample")
    {
        int outCh = outChannels ?? channels;
        if (useConv) op = new SafeConv2d(channels, outCh, 3, stride: 2, padding: 1);
        else if (outCh != channels) throw new ArgumentException("Downsample without a convolution cannot change the channel count");
        RegisterComponents();
    }

    /// <summary>x <c>[B, C, H, W]</c> → <c>[B, C', H/2, W/2]</c>.</summary>
    public override Tensor forward(Tensor x) =>
        op is not null ? op.call(x) : nn.functional.avg_pool2d(x, 2, 2);
}
