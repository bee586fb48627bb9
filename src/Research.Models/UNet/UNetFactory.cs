using Research.Core.Backbones;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// Maps a family's <see cref="BackboneRequest"/> to the right ADM network: <see cref="BackboneOutput.Dense"/> →
/// <see cref="UNetModel"/> (denoisers, generators; extra heads on its decoder or bottleneck),
/// <see cref="BackboneOutput.Pooled"/> → <see cref="EncoderUNetModel"/> (noisy classifiers, discriminators), or
/// <see cref="UNetDiscriminator"/> when the pooled request has extra heads (SIDDM's discriminator, arXiv 2306.12511
/// §3.2–3.3). InChannels, OutChannels, NumClasses, LatentDim, TanhOutput and Heads carry over.
/// </summary>
/// <remarks>
/// <see cref="BackboneRequest.MinibatchStdGroup"/> is honoured by <see cref="UNetDiscriminator"/> only: the encoder and
/// the dense UNet keep guided-diffusion's keys and have no std feature.
/// </remarks>
public static class UNetFactory
{
    /// <summary>A new network for <paramref name="request"/> (CPU; the caller owns it).</summary>
    public static Backbone Create(UNetOptions options, BackboneRequest request) => request.Output switch
    {
        BackboneOutput.Dense => new UNetModel(options, request),
        BackboneOutput.Pooled when request.Heads.Count > 0 => new UNetDiscriminator(options, request),
        BackboneOutput.Pooled => new EncoderUNetModel(options, request),
        _ => throw new ArgumentOutOfRangeException(nameof(request), request.Output, "unknown backbone output"),
    };

    /// <summary>Throws <see cref="ArgumentException"/> listing every problem of <paramref name="options"/> and <paramref name="request"/>.</summary>
    public static void ThrowIfInvalid(UNetOptions options, BackboneRequest request)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(request);
        var problems = options.Validate().ToList();
        problems.AddRange(request.Validate().Select(p => "request " + p));   // channels, minibatch_std_group, head names
        if (request.NumClasses < 0 || request.LatentDim < 0) problems.Add($"request '{request.Role}': negative class count or latent size");
        // A dense network without pooled heads never pools (pool is a shared option: a denoiser ignores it).
        if (options.SpatialPool && request.Heads.Count > 0 && (request.Output == BackboneOutput.Pooled || request.Heads.Any(h => h.Output == BackboneOutput.Pooled)))
            problems.Add($"pool: '{options.Pool}' pools every encoder block, which only a plain encoder has (a pooled request without heads, " +
                         $"e.g. a noisy classifier); '{request.Role}' pools the bottleneck for its heads: use attention or adaptive");
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
