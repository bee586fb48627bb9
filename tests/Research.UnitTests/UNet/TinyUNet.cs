using Research.Models.UNet;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.UNet;

/// <summary>Tiny UNet settings for tests (8×8 images, 8 base channels) and a helper that un-zeros weights.</summary>
internal static class TinyUNet
{
    /// <summary>8×8 input, 8 channels, two levels, attention at 4×4, BigGAN up/down, AdaGN.</summary>
    public static UNetOptions Options() => new()
    {
        ImageSize = 8, ModelChannels = 8, NumResBlocks = 1, AttentionResolutions = [4], ChannelMult = [1, 2],
        NumHeads = 2, ResblockUpdown = true, NMlp = 1,
    };

    /// <summary>
    /// Adds N(0, 0.05²) noise (from a seeded generator) to every parameter, so that zero-initialised layers no longer
    /// hide differences in the output (as the parity data's zero_init_fill does).
    /// </summary>
    public static void Perturb(nn.Module module, ulong seed = 1)
    {
        using var g = new Generator(seed);
        using var _ = no_grad();
        foreach (var p in module.parameters())
        {
            using var noise = randn(p.shape, generator: g) * 0.05;
            p.add_(noise);
        }
    }
}
