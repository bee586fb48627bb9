using Research.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// Doubles the spatial size by nearest-neighbour interpolation, optionally followed by a 3×3 convolution
/// (<c>conv</c>). guided-diffusion's <c>Upsample</c> (IDDPM, arXiv 2102.09672; ADM, arXiv 2105.05233).
/// </summary>
public sealed class Upsample : nn.Module<Tensor, Tensor>
{
    private readonly SafeConv2d? conv;

    /// <summary>Upsampling of <paramref name="channels"/> channels to <paramref name="outChannels"/> (only with a convolution).</summary>
    public Upsample(int channels, bool useConv, int? outChannels = null) : base("Upsample")
    {
        int outCh = outChannels ?? channels;
        if (useConv) conv = new SafeConv2d(channels, outCh, 3, padding: 1);
        else if (outCh != channels) throw new ArgumentException("Upsample without a convolution cannot change the channel count");
        RegisterComponents();
    }

    /// <summary>x <c>[B, C, H, W]</c> → <c>[B, C', 2H, 2W]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        var up = nn.functional.interpolate(x, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest);
        if (conv is null) return up;
        using (up) return conv.call(up);
    }
}
