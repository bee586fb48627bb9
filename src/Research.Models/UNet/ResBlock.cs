using Research.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// ADM residual block (guided-diffusion <c>ResBlock</c>): GN → SiLU → conv3×3, the embedding projected by
/// <c>emb_layers</c> (SiLU → Linear), GN → SiLU → dropout → conv3×3 (zero-initialised), plus a skip connection
/// (identity, or a 1×1 conv when the width changes). With scale-shift norm (AdaGN) the embedding gives [a, b] and the
/// second norm becomes GN(h)·(1 + a) + b; otherwise it is added to h before that norm. With <see cref="ResampleMode"/>
/// Up/Down, h and x are resampled between the first norm-activation and the first convolution (BigGAN blocks).
/// </summary>
/// <remarks>ADM, arXiv 2105.05233 §3 (AdaGN, BigGAN up/down-sampling); IDDPM, arXiv 2102.09672. Keys: <c>in_layers.0/2</c>,
/// <c>emb_layers.1</c>, <c>out_layers.0/3</c>, <c>skip_connection</c>.</remarks>
public sealed class ResBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly IndexedLayers in_layers;
    private readonly IndexedLayers emb_layers;
    private readonly IndexedLayers out_layers;
    private readonly SafeConv2d? skip_connection;
    private readonly bool _scaleShift;
    private readonly ResampleMode _resample;

    /// <summary>Builds the block.</summary>
    /// <param name="channels">Input channels.</param>
    /// <param name="embChannels">Width of the conditioning embedding (4 × model_channels).</param>
    /// <param name="dropout">Dropout before the last convolution.</param>
    /// <param name="outChannels">Output channels (default: <paramref name="channels"/>).</param>
    /// <param name="useScaleShiftNorm">AdaGN conditioning (ADM) instead of adding the embedding.</param>
    /// <param name="resample">Up- or down-sample inside the block.</param>
    /// <param name="numGroups">GroupNorm groups (32 in the reference).</param>
    public ResBlock(int channels, int embChannels, double dropout, int? outChannels = null, bool useScaleShiftNorm = false,
        ResampleMode resample = ResampleMode.None, int numGroups = 32) : base("ResBlock")
    {
        int outCh = outChannels ?? channels;
        Channels = channels;
        OutChannels = outCh;
        _scaleShift = useScaleShiftNorm;
        _resample = resample;
        in_layers = new IndexedLayers(new GroupNorm32(channels, numGroups), nn.SiLU(), new SafeConv2d(channels, outCh, 3, padding: 1));
        emb_layers = new IndexedLayers(nn.SiLU(), nn.Linear(embChannels, useScaleShiftNorm ? 2 * outCh : outCh));
        out_layers = new IndexedLayers(new GroupNorm32(outCh, numGroups), nn.SiLU(), nn.Dropout(dropout),
            UNetInit.Zero(new SafeConv2d(outCh, outCh, 3, padding: 1)));
        if (outCh != channels) skip_connection = new SafeConv2d(channels, outCh, 1);
        RegisterComponents();
    }

    /// <summary>Input channels.</summary>
    public int Channels { get; }

    /// <summary>Output channels.</summary>
    public int OutChannels { get; }

    /// <summary>x <c>[B, C, H, W]</c>, emb <c>[B, E]</c> → <c>[B, C', H', W']</c> (H' = 2H, H/2 or H).</summary>
    public override Tensor forward(Tensor x, Tensor emb)
    {
        using var scope = NewDisposeScope();
        Tensor h;
        if (_resample != ResampleMode.None)
        {
            h = Resample(in_layers.At<SiLU>(1).call(in_layers.At<GroupNorm32>(0).call(x)));
            x = Resample(x);
            h = in_layers.At<SafeConv2d>(2).call(h);
        }
        else
        {
            h = in_layers.call(x);
        }
        var embOut = emb_layers.call(emb).to_type(h.dtype).unsqueeze(-1).unsqueeze(-1);   // [B, C' or 2C', 1, 1]
        if (_scaleShift)
        {
            var ab = embOut.chunk(2, 1);
            h = out_layers.At<GroupNorm32>(0).call(h) * (ab[0] + 1) + ab[1];
            h = out_layers.ForwardFrom(1, h);
        }
        else
        {
            h = out_layers.call(h + embOut);
        }
        var skip = skip_connection is null ? x : skip_connection.call(x);
        return (skip + h).MoveToOuterDisposeScope();
    }

    private Tensor Resample(Tensor t) => _resample == ResampleMode.Up
        ? nn.functional.interpolate(t, scale_factor: [2.0, 2.0], mode: InterpolationMode.Nearest)
        : nn.functional.avg_pool2d(t, 2, 2);
}
