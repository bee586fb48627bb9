using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;

namespace Research.Models.Gan;

/// <summary>
/// Options of backbone <c>ddgan-discriminator</c>, DDGAN's time-conditional convolutional discriminator
/// (official <c>Discriminator_small</c>; docs/methods.md §4.6). The defaults are the CIFAR-10
/// network: ngf 64, channels 128 → 128 → 256 → 512 → 512, a 256-wide time embedding.
/// </summary>
public sealed class DdganDiscriminatorOptions : IValidatableOptions
{
    /// <summary>Base width; block i has <c>ngf · channel_mult[i]</c> channels.</summary>
    [Range(1, 4096)]
    public int Ngf { get; set; } = 64;

    /// <summary>
    /// Width multipliers: the 1×1 input convolution maps to <c>ngf·m₀</c>; one block keeps that width and resolution;
    /// each further entry is a block that downsamples 2× and maps to <c>ngf·mᵢ</c>. The CIFAR-10 network is [2, 4, 8, 8]
    /// (32 → 16 → 8 → 4); on 28×28 MNIST the same list gives 28 → 14 → 7 → 3.
    /// </summary>
    public List<int> ChannelMult { get; set; } = [2, 4, 8, 8];

    /// <summary>Width of the time embedding (sinusoid, then Linear, LReLU, Linear); DDGAN's CIFAR-10 setting is 256.</summary>
    [Range(2, 4096)]
    public int TEmbDim { get; set; } = 256;

    /// <summary>Downsample with the FIR kernel [1, 3, 3, 1] (the reference); false = 2×2 average pooling.</summary>
    public bool FirDownsample { get; set; } = true;

    /// <summary>Problems of these options (empty when valid), each starting with the key.</summary>
    public IEnumerable<string> Validate()
    {
        if (ChannelMult is null || ChannelMult.Count == 0) yield return "channel_mult: needs at least one entry";
        else if (ChannelMult.Any(m => m < 1)) yield return $"channel_mult: every entry must be at least 1, got [{string.Join(", ", ChannelMult)}]";
    }
}
