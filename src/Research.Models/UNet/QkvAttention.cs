using TorchSharp;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// The two QKV attention layouts of guided-diffusion (ADM, arXiv 2105.05233 §3; IDDPM, arXiv 2102.09672):
/// <see cref="Legacy"/> (<c>QKVAttentionLegacy</c>: split heads, then q/k/v) used by the UNet's attention blocks by
/// default, and <see cref="SplitQkvFirst"/> (<c>QKVAttention</c>: split q/k/v, then heads) used by attention
/// pooling and by <c>use_new_attention_order</c>. Both scale q and k by ch^(−1/4) before the product and take the
/// softmax in float32, as the reference does.
/// </summary>
public static class QkvAttention
{
    /// <summary>qkv <c>[B, H·3·C, T]</c> (per head: q, k, v) → <c>[B, H·C, T]</c>.</summary>
    public static Tensor Legacy(Tensor qkv, int heads)
    {
        using var scope = NewDisposeScope();
        var (bs, width, length) = Dims(qkv, heads);
        long ch = width / (3 * heads);
        var parts = qkv.reshape(bs * heads, ch * 3, length).split(ch, 1);    // 3 × [B·H, C, T]
        return Attend(parts[0], parts[1], parts[2], ch).reshape(bs, -1, length).MoveToOuterDisposeScope();
    }

    /// <summary>qkv <c>[B, 3·H·C, T]</c> (q for all heads, then k, then v) → <c>[B, H·C, T]</c>.</summary>
    public static Tensor SplitQkvFirst(Tensor qkv, int heads)
    {
        using var scope = NewDisposeScope();
        var (bs, width, length) = Dims(qkv, heads);
        long ch = width / (3 * heads);
        var parts = qkv.chunk(3, 1);                                             // 3 × [B, H·C, T]
        var q = parts[0].reshape(bs * heads, ch, length);
        var k = parts[1].reshape(bs * heads, ch, length);
        var v = parts[2].reshape(bs * heads, ch, length);
        return Attend(q, k, v, ch).reshape(bs, -1, length).MoveToOuterDisposeScope();
    }

    // q, k, v [N, C, T] → [N, C, T]: a = v · softmax((q·s)ᵀ(k·s))ᵀ with s = C^(−1/4).
    private static Tensor Attend(Tensor q, Tensor k, Tensor v, long ch)
    {
        double scale = 1.0 / Math.Sqrt(Math.Sqrt(ch));
        var weight = matmul((q * scale).transpose(1, 2), k * scale);             // [N, T, S]  ("bct,bcs->bts")
        weight = weight.to_type(ScalarType.Float32).softmax(-1).to_type(weight.dtype);
        return matmul(v, weight.transpose(1, 2));                                // [N, C, T]  ("bts,bcs->bct")
    }

    private static (long Bs, long Width, long Length) Dims(Tensor qkv, int heads)
    {
        if (qkv.dim() != 3) throw new ArgumentException($"qkv must be [B, 3·H·C, T], got [{string.Join(", ", qkv.shape)}]");
        long width = qkv.shape[1];
        if (heads < 1 || width % (3 * heads) != 0)
            throw new ArgumentException($"qkv width {width} is not divisible by 3 × {heads} heads");
        return (qkv.shape[0], width, qkv.shape[2]);
    }
}
