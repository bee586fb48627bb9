namespace Research.Models.Embeddings;

/// <summary>
/// The float32 exp that PyTorch's vectorised CPU kernels compute (SLEEF's <c>expf</c> with 1-ulp bound, FMA variant, as
/// PyTorch's AVX2 / AVX-512 builds call it), evaluated on the host: Cody–Waite reduction s = d − q·ln 2 with
/// q = rint(d / ln 2) and ln 2 split in two parts, a degree-5 polynomial p(s) with e^s ≈ 1 + s + s²·p(s), then scaling
/// by 2^q. The reference code bases compute their embedding frequencies with <c>torch.exp</c>; libtorch builds differ
/// in the last bit of that exp for a few percent of arguments (TorchSharp's libtorch 2.10 against PyTorch 1.13, for
/// example), and the embedding multiplies a frequency by t up to 999, so one ulp there becomes ~3e−5 in the embedding.
/// Computing the handful of frequencies here makes them independent of the libtorch build
/// (tests/data/reference/golden/timestep_embedding: all frequencies at widths 32–384 bit for bit).
/// </summary>
internal static class ReferenceExp
{
    // 1 / ln 2, and ln 2 = L2U + L2L with L2U exact in 16 bits, so q·L2U is exact.
    private const float RecipLn2 = 1.442695040888963407359924681001892137426645954152985934135449406931f;
    private const float L2U = 0.693145751953125f;
    private const float L2L = 1.428606765330187045e-06f;

    /// <summary>e^<paramref name="d"/> in float32 as the vectorised kernel rounds it; 0 below −104, +∞ above 100.</summary>
    public static float Exp(float d)
    {
        float product = d * RecipLn2;
        int q = (int)MathF.Round(product, MidpointRounding.ToEven);
        float s = MathF.FusedMultiplyAdd(q, -L2U, d);
        s = MathF.FusedMultiplyAdd(q, -L2L, s);
        float u = 0.000198527617612853646278381f;
        u = MathF.FusedMultiplyAdd(u, s, 0.00139304355252534151077271f);
        u = MathF.FusedMultiplyAdd(u, s, 0.00833336077630519866943359f);
        u = MathF.FusedMultiplyAdd(u, s, 0.0416664853692054748535156f);
        u = MathF.FusedMultiplyAdd(u, s, 0.166666671633720397949219f);
        u = MathF.FusedMultiplyAdd(u, s, 0.5f);
        float s2 = s * s;
        u = 1f + MathF.FusedMultiplyAdd(s2, u, s);
        int half = q >> 1;
        u = u * Pow2(half);
        u = u * Pow2(q - half);
        if (d < -104f) return 0f;
        if (d > 100f) return float.PositiveInfinity;
        return u;
    }

    // 2^n for n in [−126, 127], exactly.
    private static float Pow2(int n) => BitConverter.Int32BitsToSingle((Math.Clamp(n, -126, 127) + 127) << 23);
}
