using Research.Core.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// The two output layers of the ADM UNet (arXiv 2105.05233; guided-diffusion), built in one place for the main outputs
/// of <see cref="UNetModel"/> and <see cref="EncoderUNetModel"/> and for the extra heads of <see cref="UNetHeads"/>.
/// </summary>
public static class UNetOutputLayers
{
    /// <summary>
    /// UNetModel's <c>out</c>: GN, SiLU, zero-initialised 3×3 conv; <c>[B, channels, S, S]</c> → <c>[B, outChannels, S, S]</c>
    /// (keys <c>0.weight</c>, <c>0.bias</c>, <c>2.weight</c>, <c>2.bias</c>).
    /// </summary>
    public static IndexedLayers Dense(int channels, int numGroups, int outChannels) =>
        new(new GroupNorm32(channels, numGroups), nn.SiLU(), UNetInit.Zero(new SafeConv2d(channels, outChannels, 3, padding: 1)));

    /// <summary>Hidden width of the spatial poolings' two-layer head (guided-diffusion's constant).</summary>
    public const int SpatialHidden = 2048;

    /// <summary>
    /// EncoderUNetModel's <c>out</c>, per <see cref="UNetOptions.Pool"/>: GN, SiLU, then attention pooling
    /// (<c>2.positional_embedding</c>, <c>2.qkv_proj</c>, <c>2.c_proj</c>) or adaptive average pooling and a
    /// zero-initialised 1×1 conv (<c>3</c>), <c>[B, channels, S/ds, S/ds]</c> → <c>[B, outChannels]</c>; or, for the
    /// spatial poolings, a head on the concatenated block means <c>[B, spatialFeatures]</c> → <c>[B, outChannels]</c>:
    /// Linear(→ 2048), ReLU, Linear (<c>0</c>, <c>2</c>) or Linear(→ 2048), GN(32), SiLU, Linear (<c>0</c>, <c>1</c>, <c>3</c>).
    /// </summary>
    /// <param name="options">The backbone options (pool kind, groups, heads, image size).</param>
    /// <param name="channels">Channels of the pooled features (the bottleneck).</param>
    /// <param name="downsampling">Downsampling factor ds of the pooled features (sizes the positional embedding).</param>
    /// <param name="outChannels">Output width.</param>
    /// <param name="spatialFeatures">The spatial poolings' input width (the channels of every input block and the
    /// middle block, summed); 0 where only the bottleneck is available, which refuses them.</param>
    public static IndexedLayers Pooled(UNetOptions options, int channels, int downsampling, int outChannels, int spatialFeatures = 0) => options.Pool switch
    {
        "attention" => new IndexedLayers(new GroupNorm32(channels, options.NumGroups), nn.SiLU(), new AttentionPool2d(options.ImageSize / downsampling, channels,
            options.NumHeadChannels > 0 ? options.NumHeadChannels : channels / options.NumHeads, outChannels)),
        "adaptive" => new IndexedLayers(new GroupNorm32(channels, options.NumGroups), nn.SiLU(), nn.AdaptiveAvgPool2d(1),
            UNetInit.Zero(new SafeConv2d(channels, outChannels, 1)), nn.Flatten()),
        _ when spatialFeatures < 1 => throw new ArgumentException(
            $"unet backbone: pool '{options.Pool}' pools every encoder block, which only a plain encoder (a pooled request without heads) has; use attention or adaptive"),
        "spatial" => new IndexedLayers(nn.Linear(spatialFeatures, SpatialHidden), nn.ReLU(), nn.Linear(SpatialHidden, outChannels)),
        "spatial_v2" => new IndexedLayers(nn.Linear(spatialFeatures, SpatialHidden), new GroupNorm32(SpatialHidden, options.NumGroups), nn.SiLU(),
            nn.Linear(SpatialHidden, outChannels)),
        _ => throw new ArgumentException($"unet backbone: unknown pool '{options.Pool}'"),
    };
}
