using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Research.Core.Configuration;

namespace Research.Models.UNet;

/// <summary>
/// Options of the <c>unet</c> backbone: guided-diffusion's <c>UNetModel</c> / <c>EncoderUNetModel</c> constructor
/// arguments (ADM, arXiv 2105.05233; IDDPM, arXiv 2102.09672), snake_case as in the reference. Input/output channels,
/// the class count and the latent size come from the family's <c>BackboneRequest</c>, not from here.
/// Defaults are guided-diffusion's <c>script_util.model_and_diffusion_defaults()</c> unless a comment says otherwise;
/// ADM's best configuration (docs/methods.md §6.4) sets <c>num_head_channels: 64</c>, <c>resblock_updown: true</c> and
/// <c>attention_resolutions: [32, 16, 8]</c>.
/// </summary>
public sealed class UNetOptions : IValidatableOptions
{
    /// <summary>Side of the (square) input images. Converts <see cref="AttentionResolutions"/> to downsampling factors and
    /// sizes the attention-pool's positional embedding. Default 32 (CIFAR-10; ours, the reference default is 64).</summary>
    [Range(1, 8192)]
    public int ImageSize { get; set; } = 32;

    /// <summary>Base channel count ch; the time embedding is 4·ch wide. Default 128 (script_util <c>num_channels</c>).</summary>
    [Range(1, 8192)]
    public int ModelChannels { get; set; } = 128;

    /// <summary>Residual blocks per resolution level (the decoder has one more per level). Default 2 (script_util).</summary>
    [Range(0, 64)]
    public int NumResBlocks { get; set; } = 2;

    /// <summary>
    /// Feature-map <b>resolutions</b> (sides in pixels, e.g. 16 and 8) that get self-attention after each residual block;
    /// the middle block always has attention. This is the convention of script_util's <c>"16,8"</c> string; the model
    /// itself works with downsampling factors <c>image_size / resolution</c> (what <c>UNetModel</c>'s constructor takes).
    /// Default [16, 8] (script_util).
    /// </summary>
    public List<int> AttentionResolutions { get; set; } = [16, 8];

    /// <summary>Dropout before each residual block's last convolution. Default 0 (script_util; ADM uses 0.1 for IN64 and LSUN).</summary>
    [Range(0.0, 0.99)]
    public double Dropout { get; set; }

    /// <summary>
    /// Width multiplier per resolution level (level widths are ⌊mult·ch⌋). Empty: chosen by <see cref="ImageSize"/> as
    /// guided-diffusion's script_util does — 512: (0.5,1,1,2,2,4,4), 256: (1,1,2,2,4,4), 128: (1,1,2,3,4), 64: (1,2,3,4) —
    /// and 32: (1,2,2,2) as improved-diffusion's script_util. Default empty.
    /// </summary>
    public List<double> ChannelMult { get; set; } = [];

    /// <summary>Learned 3×3 convolutions in plain (non-residual) up/down-sampling layers. Default true (reference).</summary>
    public bool ConvResample { get; set; } = true;

    /// <summary>Attention heads when <see cref="NumHeadChannels"/> is −1. Default 4 (script_util).</summary>
    [Range(1, 1024)]
    public int NumHeads { get; set; } = 4;

    /// <summary>Channels per attention head (overrides <see cref="NumHeads"/>); −1 = off. Default −1 (script_util; ADM's best: 64).</summary>
    public int NumHeadChannels { get; set; } = -1;

    /// <summary>Heads in the decoder's attention blocks; −1 = <see cref="NumHeads"/>. Default −1 (reference; deprecated there).</summary>
    public int NumHeadsUpsample { get; set; } = -1;

    /// <summary>AdaGN: the embedding scales and shifts the second norm of each residual block. Default true (script_util).</summary>
    public bool UseScaleShiftNorm { get; set; } = true;

    /// <summary>BigGAN-style residual blocks for up/down-sampling. Default false (script_util; ADM's best: true).</summary>
    public bool ResblockUpdown { get; set; }

    /// <summary>Split q/k/v before heads (<c>QKVAttention</c>); false = <c>QKVAttentionLegacy</c>. Default false (script_util).</summary>
    public bool UseNewAttentionOrder { get; set; }

    /// <summary>GroupNorm groups; a norm over C &lt; groups channels uses C groups. Default 32 (reference <c>normalization</c>).</summary>
    [Range(1, 1024)]
    public int NumGroups { get; set; } = 32;

    /// <summary>
    /// Head of the encoder (pooled requests: classifiers, discriminators), guided-diffusion's four: <c>attention</c>
    /// (CLIP-style attention pooling; heads of <see cref="NumHeadChannels"/> channels, or <see cref="NumHeads"/> heads
    /// when that is −1), <c>adaptive</c> (global average pool + zero-initialised 1×1 conv), <c>spatial</c> (the spatial
    /// mean of every input block's and the middle block's output, concatenated, then Linear(→ 2048), ReLU, Linear) and
    /// <c>spatial_v2</c> (the same with GroupNorm(32) and SiLU in place of ReLU). The spatial ones exist for the plain
    /// encoder only (a pooled request without heads). Default <c>attention</c> (script_util <c>classifier_pool</c>).
    /// </summary>
    public string Pool { get; set; } = "attention";

    /// <summary>
    /// Hidden layers of the latent mapping network (only for requests with a latent z): PixelNorm, then
    /// Linear(nz → 4ch) + SiLU, then <c>n_mlp</c> × [Linear(4ch → 4ch) + SiLU]. Default 4 (DDGAN CIFAR-10, docs/methods.md §4.5).
    /// </summary>
    [Range(0, 64)]
    public int NMlp { get; set; } = 4;

    /// <summary>The values of <see cref="Pool"/> (guided-diffusion's <c>EncoderUNetModel</c> <c>pool</c> argument).</summary>
    public static readonly IReadOnlyList<string> PoolKinds = ["attention", "adaptive", "spatial", "spatial_v2"];

    /// <summary>True for the spatial poolings, which read every input block's output, not only the bottleneck.</summary>
    public bool SpatialPool => Pool is "spatial" or "spatial_v2";

    /// <summary>The channel multipliers in effect (<see cref="ChannelMult"/>, or the image-size default).</summary>
    public IReadOnlyList<double> EffectiveChannelMult() => ChannelMult.Count > 0 ? ChannelMult : ImageSize switch
    {
        512 => [0.5, 1, 1, 2, 2, 4, 4],
        256 => [1, 1, 2, 2, 4, 4],
        128 => [1, 1, 2, 3, 4],
        64 => [1, 2, 3, 4],
        32 => [1, 2, 2, 2],
        _ => [],
    };

    /// <summary>Width of resolution level <paramref name="level"/>: ⌊mult·ch⌋.</summary>
    public int LevelChannels(int level) => (int)(EffectiveChannelMult()[level] * ModelChannels);

    /// <summary><see cref="AttentionResolutions"/> as downsampling factors <c>image_size / resolution</c>.</summary>
    public IReadOnlySet<int> AttentionDownsampleFactors() =>
        AttentionResolutions.Where(r => r > 0).Select(r => ImageSize / r).ToHashSet();

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        var mult = EffectiveChannelMult();
        if (mult.Count == 0)
        {
            yield return $"channel_mult: no default for image_size {ImageSize} (defaults exist for 32, 64, 128, 256, 512): set it";
            yield break;
        }
        if (mult.Any(m => !(m > 0) || (int)(m * ModelChannels) < 1))
            yield return $"channel_mult: every multiplier must give at least one channel (model_channels {ModelChannels})";
        int levels = mult.Count;
        int deepest = 1 << (levels - 1);
        if (ImageSize % deepest != 0)
            yield return $"image_size: {ImageSize} is not divisible by {deepest}, the downsampling of {levels} levels";
        var reachable = Enumerable.Range(0, levels).Select(l => ImageSize >> l).ToList();
        foreach (var r in AttentionResolutions.Where(r => !reachable.Contains(r) || ImageSize % r != 0))
            yield return $"attention_resolutions: {r} is not a feature-map side of this UNet ({string.Join(", ", reachable)} for image_size {ImageSize})";
        if (NumHeadChannels is 0 or < -1) yield return $"num_head_channels: must be −1 (off) or positive, got {NumHeadChannels}";
        if (NumHeadsUpsample is 0 or < -1) yield return $"num_heads_upsample: must be −1 (= num_heads) or positive, got {NumHeadsUpsample}";
        if (!PoolKinds.Contains(Pool)) yield return $"pool: '{Pool}' is not one of {string.Join(", ", PoolKinds)}";
        if (mult.Any(m => !(m > 0))) yield break;
        foreach (var problem in CheckWidths()) yield return problem;
    }

    // Walks the network's widths as UNetTrunk builds them and checks each norm and attention layer.
    private IEnumerable<string> CheckWidths()
    {
        var ds = AttentionDownsampleFactors();
        var norms = new SortedSet<int>();
        var attnDown = new SortedSet<int>();
        var attnUp = new SortedSet<int>();
        int levels = EffectiveChannelMult().Count, ch = LevelChannels(0), factor = 1;
        var skips = new Stack<int>([ch]);
        for (int level = 0; level < levels; level++)
        {
            for (int r = 0; r < NumResBlocks; r++)
            {
                norms.Add(ch);
                ch = LevelChannels(level);
                norms.Add(ch);
                if (ds.Contains(factor)) attnDown.Add(ch);
                skips.Push(ch);
            }
            if (level == levels - 1) continue;
            norms.Add(ch);
            skips.Push(ch);
            factor *= 2;
        }
        attnDown.Add(ch);
        for (int level = levels - 1; level >= 0; level--)
            for (int i = 0; i <= NumResBlocks; i++)
            {
                norms.Add(ch + skips.Pop());
                ch = LevelChannels(level);
                norms.Add(ch);
                if (ds.Contains(factor)) attnUp.Add(ch);
                if (level > 0 && i == NumResBlocks) factor /= 2;
            }
        foreach (var c in norms.Where(c => c % GroupNorm32.GroupsFor(c, NumGroups) != 0))
            yield return $"num_groups: a norm over {c} channels cannot use {GroupNorm32.GroupsFor(c, NumGroups)} groups";
        int upHeads = NumHeadsUpsample == -1 ? NumHeads : NumHeadsUpsample;
        foreach (var (widths, heads, key) in new[] { (attnDown, NumHeads, "num_heads"), (attnUp, upHeads, "num_heads_upsample") })
            foreach (var c in widths)
            {
                if (NumHeadChannels > 0 && c % NumHeadChannels != 0)
                    yield return $"num_head_channels: attention over {c} channels is not divisible into heads of {NumHeadChannels}";
                else if (NumHeadChannels == -1 && c % heads != 0)
                    yield return $"{key}: attention over {c} channels is not divisible into {heads.ToString(CultureInfo.InvariantCulture)} heads";
            }
    }
}
