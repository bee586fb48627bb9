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
        var freqs = Frequencies(half, style, maxPeriod, t.device);
        var args = t.to_type(float32).unsqueeze(1) * freqs.unsqueeze(0);       // [B, half]
        var emb = style == SinusoidalStyle.Adm ? cat([cos(args), sin(args)], 1) : cat([sin(args), cos(args)], 1);
        if (dim % 2 == 1) emb = nn.functional.pad(emb, [0, 1]);
        return emb.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The <paramref name="half"/> float32 frequencies <c>[half]</c>. ADM (guided-diffusion <c>timestep_embedding</c>):
    /// exp((−ln P · k) / half), the product and the quotient each rounded to float32 as the reference orders them (the
    /// earlier k · (−ln P / half) differed in 26 of the 96 frequencies of the ImageNet-64 model's 192-wide embedding),
    /// and the exp computed on the host as PyTorch's CPU kernel rounds it (<see cref="ReferenceExp"/>), so the frequencies
    /// equal guided-diffusion's bit for bit at every width. DDGAN <c>get_timestep_embedding</c>: exp(k · (−ln P / (half − 1))),
    /// the constant rounded once, the exp libtorch's.
    /// </summary>
    public static Tensor Frequencies(int half, SinusoidalStyle style = SinusoidalStyle.Adm, double maxPeriod = 10_000, Device? device = null)
    {
        if (style == SinusoidalStyle.Adm)
        {
            float minusLogP = (float)-Math.Log(maxPeriod);
            var freqs = new float[half];
            for (int k = 0; k < half; k++) freqs[k] = ReferenceExp.Exp(minusLogP * k / half);
            return tensor(freqs, device: device);
        }
        using var scope = NewDisposeScope();
        var kk = arange(half, dtype: float32, device: device);
        return exp(kk * (-Math.Log(maxPeriod) / Math.Max(half - 1, 1))).MoveToOuterDisposeScope();
    }
}
