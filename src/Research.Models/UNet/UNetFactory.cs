using Research.Core.Backbones;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// Maps a family's <see cref="BackboneRequest"/> to the right ADM network: <see cref="BackboneOutput.Dense"/> →
/// <see cref="UNetModel"/> (denoisers, generators), <see cref="BackboneOutput.Pooled"/> → <see cref="EncoderUNetModel"/>
/// (noisy classifiers, discriminators). InChannels, OutChannels, NumClasses, LatentDim and TanhOutput carry over.
/// </summary>
public static class UNetFactory
{
    /// <summary>A new network for <paramref name="request"/> (CPU; the caller owns it).</summary>
    public static Backbone Create(UNetOptions options, BackboneRequest request) => request.Output switch
    {
        BackboneOutput.Dense => new UNetModel(options, request),
        BackboneOutput.Pooled => new EncoderUNetModel(options, request),
        _ => throw new ArgumentOutOfRangeException(nameof(request), request.Output, "unknown backbone output"),
    };

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem of <paramref name="options"/> and <paramref name="request"/>.</summary>
    public static void ThrowIfInvalid(UNetOptions options, BackboneRequest request)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(request);
        var problems = options.Validate().ToList();
        if (request.InChannels < 1) problems.Add($"request '{request.Role}': in_channels must be positive, got {request.InChannels}");
        if (request.OutChannels < 1) problems.Add($"request '{request.Role}': out_channels must be positive, got {request.OutChannels}");
        if (request.NumClasses < 0 || request.LatentDim < 0) problems.Add($"request '{request.Role}': negative class count or latent size");
        if (request.Heads.Count > 0)
            problems.Add($"request '{request.Role}': the unet backbone has no extra heads yet (asked for {string.Join(", ", request.Heads.Select(h => h.Name))}); " +
                         "SIDDM's UNet discriminator with its denoising and regression heads is not implemented, so SIDDM runs on the mlp backbone only");
        if (problems.Count > 0) throw new ArgumentException("unet backbone: " + string.Join("; ", problems));
    }

    /// <summary>Checks that x is <c>[B, inChannels, imageSize, imageSize]</c>, naming the option to change if not.</summary>
    public static void CheckInput(Tensor x, int inChannels, int imageSize)
    {
        if (x.dim() != 4 || x.shape[1] != inChannels || x.shape[2] != imageSize || x.shape[3] != imageSize)
            throw new ArgumentException(
                $"unet backbone expects x of shape [B, {inChannels}, {imageSize}, {imageSize}], got [{string.Join(", ", x.shape)}] " +
                "(backbone.options.image_size must equal the data's image size)");
    }
}
