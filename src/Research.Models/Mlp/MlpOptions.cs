using System.ComponentModel.DataAnnotations;

namespace Research.Models.Mlp;

/// <summary>
/// The 2-D backbone: an MLP conditioned on a sinusoidal time embedding (and optional class / latent).
/// Defaults are a little wider than the 100-unit MLPs of SIDDM's 2-D script (methods.md §7.4) and
/// match the 256-wide, 3-hidden-layer denoisers common in 2-D diffusion experiments.
/// </summary>
public sealed class MlpOptions
{
    /// <summary>Width of each hidden layer.</summary>
    [Range(1, 65_536)]
    public int HiddenDim { get; set; } = 256;

    /// <summary>Number of hidden layers.</summary>
    [Range(1, 64)]
    public int NumLayers { get; set; } = 3;

    /// <summary>Size of the sinusoidal time embedding (before its two-layer projection).</summary>
    [Range(2, 4096)]
    public int TimeEmbedDim { get; set; } = 128;

    /// <summary>Size of the latent-z mapping network's output w (DDGAN's z_emb_dim at 2-D scale).</summary>
    [Range(1, 4096)]
    public int LatentEmbedDim { get; set; } = 128;

    /// <summary>
    /// Fourier features of the input coordinates: for each coordinate, sin and cos at <c>input_fourier_bands</c>
    /// octaves 2^k·π, k = 0..K−1, concatenated to the raw input (Tancik et al., arXiv 2006.10739). Lets a small
    /// MLP resolve sharp modes (σ = 1/3 on a grid of spacing 5 is 0.03 in model space). 0 = raw input only.
    /// </summary>
    [Range(0, 16)]
    public int InputFourierBands { get; set; }

    /// <summary>Residual connections between hidden layers (h ← h + f(h)).</summary>
    public bool Residual { get; set; } = true;

    /// <summary>Hidden activation: <c>silu</c> or <c>leaky-relu</c> (0.2 slope, common in GAN discriminators).</summary>
    public string Activation { get; set; } = "silu";
}
