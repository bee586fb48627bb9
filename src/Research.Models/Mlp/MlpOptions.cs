using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;

namespace Research.Models.Mlp;

/// <summary>
/// The 2-D backbone: an MLP conditioned on a sinusoidal time embedding (and optional class / latent).
/// Defaults are a little wider than the 100-unit MLPs of SIDDM's 2-D script (docs/methods.md §5.5) and
/// match the 256-wide, 3-hidden-layer denoisers common in 2-D diffusion experiments.
/// </summary>
public sealed class MlpOptions : IValidatableOptions
{
    /// <summary>The values <see cref="Activation"/> accepts.</summary>
    public static IReadOnlyList<string> Activations { get; } = ["silu", "leaky-relu"];

    /// <summary>The values <see cref="LatentInjection"/> accepts.</summary>
    public static IReadOnlyList<string> LatentInjections { get; } = ["embedding", "bias", "joint-bias", "input"];

    /// <summary>Width of each hidden layer.</summary>
    [Range(1, 65_536)]
    public int HiddenDim { get; set; } = 256;

    /// <summary>Number of hidden layers.</summary>
    [Range(1, 64)]
    public int NumLayers { get; set; } = 3;

    /// <summary>Size of the sinusoidal time embedding (before its two-layer projection).</summary>
    [Range(2, 4096)]
    public int TimeEmbedDim { get; set; } = 128;

    /// <summary>
    /// Where a latent z (DDGAN/SIDDM generators) enters the network:
    /// <list type="bullet">
    /// <item><c>embedding</c>: through a three-layer mapping network added to the time embedding, so every hidden layer's
    /// conditioning is per sample (DDGAN's NCSN++ generator feeds its mapped z to every block the same way, arXiv
    /// 2112.07804 App. B).</item>
    /// <item><c>input</c>: concatenated to the input features, as the usual 2-D GAN generator takes z. The conditioning
    /// then depends on t alone and is computed once per distinct t, as in the DDPM network, so the latent adds only
    /// its nz input columns (the measured cost per sample: docs/benchmarks.md).</item>
    /// <item><c>bias</c>: the same three-layer mapping network, but its output w (<c>latent_embed_dim</c> wide) enters
    /// each hidden layer through that layer's own linear map, added after the layer's t-only conditioning:
    /// c_i = cond_i(silu(e(t))) + A_i·w. Every layer still sees z, per sample, while the conditioning of t is computed
    /// once per distinct t as for DDPM; with a narrow w the latent path costs a fraction of one layer.</item>
    /// <item><c>joint-bias</c>: as <c>bias</c>, but each layer's latent term passes through a w-wide bottleneck that also
    /// sees t: c_i = cond_i(silu(e(t))) + A_i·silu(B_i·silu(e(t)) + w). The embedding mode's z–t interaction (z's effect
    /// can differ between the first, multimodal chain step and the last, nearly unimodal one) at the width of w: B_i·e(t)
    /// is computed once per distinct t, and the per-sample work is on w-wide rows plus one w → h product per layer.</item>
    /// </list>
    /// </summary>
    public string LatentInjection { get; set; } = "embedding";

    /// <summary>Size of the latent-z mapping network's hidden layers and, for <c>bias</c>, of its output w (DDGAN's
    /// z_emb_dim at 2-D scale); used by <c>latent_injection</c> <c>embedding</c> (whose last mapping layer then widens w to
    /// <c>hidden_dim</c>), <c>bias</c> and <c>joint-bias</c>.</summary>
    [Range(1, 4096)]
    public int LatentEmbedDim { get; set; } = 128;

    /// <summary>
    /// Fourier features of the input coordinates: for each coordinate, sin and cos at <c>input_fourier_bands</c>
    /// octaves 2^k·π, k = 0..K−1, concatenated to the raw input (Tancik et al., arXiv 2006.10739). Lets a small
    /// MLP resolve sharp modes (σ = 1/3 on a grid of spacing 5 is 0.03 in model space). 0 = raw input only.
    /// </summary>
    [Range(0, 16)]
    public int InputFourierBands { get; set; }

    /// <summary>
    /// Gaussian random Fourier features: sin and cos of 2π·xB for a fixed B <c>[in, m]</c> with entries N(0, s²)
    /// (Tancik et al., arXiv 2006.10739, "Gaussian" mapping), m = <c>gaussian_fourier_features</c>, s =
    /// <c>gaussian_fourier_scale</c>; added to the axis-aligned octaves. Their directions mix the coordinates, so
    /// sums like sin(a·x)·sin(a·y) — the joint structure of a grid, or of DDGAN's (x_{t−1}, x_t) pair — are linear in
    /// the features; with axis octaves alone a small discriminator tends to judge each coordinate separately, and its
    /// generator then only matches per-coordinate marginals (samples on grid lines). B is drawn at construction
    /// from the seeded initialisation stream and saved with the weights. 0 = off.
    /// </summary>
    [Range(0, 4096)]
    public int GaussianFourierFeatures { get; set; }

    /// <summary>Std s of B's entries (frequencies in cycles per model-space unit); see <see cref="GaussianFourierFeatures"/>.</summary>
    [Range(1e-6, 1e6)]
    public double GaussianFourierScale { get; set; } = 4.0;

    /// <summary>Residual connections between hidden layers (h ← h + f(h)).</summary>
    public bool Residual { get; set; } = true;

    /// <summary>Hidden activation: <c>silu</c> or <c>leaky-relu</c> (0.2 slope, common in GAN discriminators).</summary>
    public string Activation { get; set; } = "silu";

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (!Activations.Contains(Activation))
            yield return $"activation: '{Activation}' is not one of {string.Join(", ", Activations)}";
        if (!LatentInjections.Contains(LatentInjection))
            yield return $"latent_injection: '{LatentInjection}' is not one of {string.Join(", ", LatentInjections)}";
    }
}
