using TorchSharp;
using static TorchSharp.torch;

namespace Research.Models.Embeddings;

/// <summary>The two sinusoidal timestep embeddings used by the reference code bases (docs/methods.md §4.6, §6.4).</summary>
public enum SinusoidalStyle
{
    /// <summary>guided-diffusion <c>timestep_embedding</c>: [cos, sin], frequencies exp(−ln(10⁴)·k/half).</summary>
    Adm,

    /// <summary>DDGAN / NCSN++ <c>get_timestep_embedding</c>: [sin, cos], frequencies exp(−ln(10⁴)·k/(half−1)).</summary>
    Ddgan,
}

/// <summary>
/// Transformer-style sinusoidal embedding of integer timesteps (Vaswani et al., arXiv 1706.03762 §3.5;
/// as used by DDPM, arXiv 2006.11239 Appendix B).
/// </summary>
public static class SinusoidalEmbedding
{
    /// <summary>Embeds <paramref name="t"/> <c>[B]</c> into <c>[B, dim]</c> float32 (odd dim: zero-padded).</summary>
    public static Tensor Embed(Tensor t, int dim, SinusoidalStyle style = SinusoidalStyle.Adm, double maxPeriod = 10_000)
    {
        using var scope = NewDisposeScope();
        int half = dim / 2;
        double denom = style == SinusoidalStyle.Adm ? half : Math.Max(half - 1, 1);
        var k = arange(half, dtype: float32, device: t.device);
        var freqs = exp(k * (-Math.Log(maxPeriod) / denom));                 // [half]
        var args = t.to_type(float32).unsqueeze(1) * freqs.unsqueeze(0);       // [B, half]
        var emb = style == SinusoidalStyle.Adm ? cat([cos(args), sin(args)], 1) : cat([sin(args), cos(args)], 1);
        if (dim % 2 == 1) emb = nn.functional.pad(emb, [0, 1]);
        return emb.MoveToOuterDisposeScope();
    }
}
