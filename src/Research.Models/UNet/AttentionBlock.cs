using Research.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// Multi-head self-attention over all spatial positions with a residual connection: x + proj_out(attn(qkv(norm(x)))).
/// guided-diffusion's <c>AttentionBlock</c> (ADM, arXiv 2105.05233 §3: "attention at several resolutions, several
/// heads"); parameters <c>norm</c>, <c>qkv</c> (1×1 convolution, C → 3C) and <c>proj_out</c> (1×1, zero-initialised), with
/// <c>Conv1d</c>'s shapes; <see cref="SafeConv1d"/>, whose bf16 calls avoid oneDNN's wrong 1×1 kernels.
/// </summary>
public sealed class AttentionBlock : nn.Module<Tensor, Tensor>
{
    private readonly GroupNorm32 norm;
    private readonly SafeConv1d qkv;
    private readonly SafeConv1d proj_out;
    private readonly bool _newOrder;

    /// <summary>Attention over <paramref name="channels"/> channels.</summary>
    /// <param name="channels">Channel count C.</param>
    /// <param name="numHeads">Heads, used when <paramref name="numHeadChannels"/> is −1.</param>
    /// <param name="numHeadChannels">Channels per head (−1: use <paramref name="numHeads"/>); must divide C.</param>
    /// <param name="useNewAttentionOrder">Split q/k/v before heads (<c>QKVAttention</c>) instead of the legacy order.</param>
    /// <param name="numGroups">GroupNorm groups (32 in the reference).</param>
    public AttentionBlock(int channels, int numHeads = 1, int numHeadChannels = -1, bool useNewAttentionOrder = false, int numGroups = 32)
        : base("AttentionBlock")
    {
        Heads = HeadsFor(channels, numHeads, numHeadChannels);
        _newOrder = useNewAttentionOrder;
        norm = new GroupNorm32(channels, numGroups);
        qkv = new SafeConv1d(channels, channels * 3, 1);
        proj_out = new SafeConv1d(channels, channels, 1);
        UNetInit.Zero(proj_out);
        RegisterComponents();
    }

    /// <summary>Number of heads.</summary>
    public int Heads { get; }

    /// <summary>Heads for C channels: C / numHeadChannels when that is set, else numHeads (guided-diffusion's rule).</summary>
    public static int HeadsFor(int channels, int numHeads, int numHeadChannels)
    {
        if (numHeadChannels == -1)
        {
            if (numHeads < 1 || channels % numHeads != 0)
                throw new ArgumentException($"attention: {channels} channels are not divisible by num_heads {numHeads}");
            return numHeads;
        }
        if (numHeadChannels < 1 || channels % numHeadChannels != 0)
            throw new ArgumentException($"attention: {channels} channels are not divisible by num_head_channels {numHeadChannels}");
        return channels / numHeadChannels;
    }

    /// <summary>x <c>[B, C, H, W]</c> → <c>[B, C, H, W]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var shape = x.shape;
        var flat = x.reshape(shape[0], shape[1], -1);                              // [B, C, T]
        var q = qkv.call(norm.call(flat));                                         // [B, 3C, T]
        var h = _newOrder ? QkvAttention.SplitQkvFirst(q, Heads) : QkvAttention.Legacy(q, Heads);
        return (flat + proj_out.call(h)).reshape(shape).MoveToOuterDisposeScope();
    }
}
