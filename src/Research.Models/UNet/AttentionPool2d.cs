using Research.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// CLIP-style attention pooling: the spatial mean is prepended as a query token, a learned positional embedding is
/// added, one multi-head attention layer runs over the (H·W + 1) tokens, and the mean token's output is projected to
/// the output width. guided-diffusion's <c>AttentionPool2d</c>, the head of the noisy classifier
/// (ADM, arXiv 2105.05233 §4 and App. "classifier architecture": attention pooling at 8×8).
/// Parameters: <c>positional_embedding</c> <c>[C, S² + 1]</c>, <c>qkv_proj</c> (1×1, C → 3C), <c>c_proj</c> (1×1, C → out), with
/// <c>Conv1d</c>'s shapes; <see cref="SafeConv1d"/>: in bf16, oneDNN's unpadded 1×1 kernel got the input gradient of a one-logit
/// <c>c_proj</c> wrong (docs/toolchain.md).
/// </summary>
public sealed class AttentionPool2d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter positional_embedding;
    private readonly SafeConv1d qkv_proj;
    private readonly SafeConv1d c_proj;
    private readonly int _heads;
    private readonly int _spatial;

    /// <summary>Pools a <c>[B, C, S, S]</c> feature map to <c>[B, out]</c>.</summary>
    /// <param name="spatialDim">S: the feature map's side (image_size / downsampling factor).</param>
    /// <param name="embedDim">C: the feature channels.</param>
    /// <param name="numHeadChannels">Channels per head; heads = C / numHeadChannels.</param>
    /// <param name="outputDim">Output width (logits); default C.</param>
    public AttentionPool2d(int spatialDim, int embedDim, int numHeadChannels, int? outputDim = null) : base("AttentionPool2d")
    {
        if (numHeadChannels < 1 || embedDim % numHeadChannels != 0)
            throw new ArgumentException($"attention pooling: {embedDim} channels are not divisible by {numHeadChannels} channels per head");
        _spatial = spatialDim;
        _heads = embedDim / numHeadChannels;
        using (no_grad())
            positional_embedding = nn.Parameter(randn(embedDim, (long)spatialDim * spatialDim + 1).div_(Math.Sqrt(embedDim)));
        qkv_proj = new SafeConv1d(embedDim, 3 * embedDim, 1);
        c_proj = new SafeConv1d(embedDim, outputDim ?? embedDim, 1);
        RegisterComponents();
    }

    /// <summary>x <c>[B, C, S, S]</c> → <c>[B, out]</c>.</summary>
    public override Tensor forward(Tensor x)
    {
        if (x.dim() != 4 || x.shape[2] != _spatial || x.shape[3] != _spatial)
            throw new ArgumentException($"attention pooling was built for {_spatial}×{_spatial} features, got [{string.Join(", ", x.shape)}] " +
                                        "(check backbone.options.image_size against the data)");
        using var scope = NewDisposeScope();
        var flat = x.reshape(x.shape[0], x.shape[1], -1);                          // [B, C, T]
        var tokens = cat([flat.mean([-1], keepdim: true), flat], -1);              // [B, C, T+1]
        tokens = tokens + positional_embedding.unsqueeze(0).to_type(tokens.dtype);
        var a = QkvAttention.SplitQkvFirst(qkv_proj.call(tokens), _heads);        // [B, C, T+1]
        return c_proj.call(a).select(2, 0).MoveToOuterDisposeScope();              // [B, out]
    }
}
