using Research.Core.Layers;
using Research.Core.Backbones;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// The encoder half of the ADM UNet with a pooling head (guided-diffusion <c>EncoderUNetModel</c>): one vector per
/// sample — logits of the noisy classifier p_φ(y | x_t, t) used for classifier guidance, or a discriminator's logit.
/// Same trunk, time conditioning and keys as <see cref="UNetModel"/> (<c>time_embed</c>, <c>input_blocks</c>,
/// <c>middle_block</c>), then <c>out</c> = GN, SiLU, and attention pooling (<c>out.2.positional_embedding</c>,
/// <c>out.2.qkv_proj</c>, <c>out.2.c_proj</c>) or adaptive average pooling with a zero-initialised 1×1 conv (<c>out.3</c>).
/// </summary>
/// <remarks>
/// ADM, arXiv 2105.05233 §4 and methods.md §8.1 ("the UNet encoder trunk … followed by attention pooling at 8×8").
/// Extras beyond the reference, present only when requested: <c>label_emb</c> (class input, e.g. a class-conditional
/// discriminator) and <c>z_transform</c> (latent input).
/// </remarks>
public sealed class EncoderUNetModel : Backbone
{
    private readonly IndexedLayers time_embed;
    private readonly Embedding? label_emb;
    private readonly IndexedLayers? z_transform;
    private readonly ModuleList<TimestepEmbedSequential> input_blocks;
    private readonly TimestepEmbedSequential middle_block;
    private readonly IndexedLayers @out;
    private readonly BackboneRequest _request;
    private readonly UNetOptions _options;

    /// <summary>Builds the encoder for <paramref name="request"/>; <c>OutChannels</c> is the output width (logits).</summary>
    public EncoderUNetModel(UNetOptions options, BackboneRequest request) : base("encoder_unet")
    {
        UNetFactory.ThrowIfInvalid(options, request);
        _options = options;
        _request = request;
        int ch = options.ModelChannels;
        time_embed = UNetConditioning.TimeEmbed(ch);
        if (request.NumClasses > 0) label_emb = nn.Embedding(request.NumClasses, 4 * ch);
        if (request.LatentDim > 0) z_transform = UNetConditioning.LatentMapping(request.LatentDim, 4 * ch, options.NMlp);
        var encoder = UNetTrunk.BuildEncoder(options, request.InChannels);
        input_blocks = encoder.InputBlocks;
        middle_block = encoder.MiddleBlock;
        int c = encoder.Channels;
        @out = options.Pool == "attention"
            ? new IndexedLayers(new GroupNorm32(c, options.NumGroups), nn.SiLU(), new AttentionPool2d(options.ImageSize / encoder.Downsampling, c,
                options.NumHeadChannels > 0 ? options.NumHeadChannels : c / options.NumHeads, request.OutChannels))
            : new IndexedLayers(new GroupNorm32(c, options.NumGroups), nn.SiLU(), nn.AdaptiveAvgPool2d(1),
                UNetInit.Zero(new SafeConv2d(c, request.OutChannels, 1)), nn.Flatten());
        RegisterComponents();
    }

    /// <inheritdoc />
    public override BackboneRequest Request => _request;

    /// <summary>x <c>[B, C_in, S, S]</c>, t <c>[B]</c>, y <c>[B]</c>?, z <c>[B, nz]</c>? → <c>[B, C_out]</c>.</summary>
    public override Tensor forward(Tensor x, Tensor t, Tensor? y, Tensor? z)
    {
        UNetFactory.CheckInput(x, _request.InChannels, _options.ImageSize);
        using var scope = NewDisposeScope();
        var emb = UNetConditioning.Embed(time_embed, label_emb, z_transform, _options.ModelChannels, t, y, z, x.dtype); // [B, 4ch]
        var h = x;
        foreach (var block in input_blocks) h = block.call(h, emb);
        h = middle_block.call(h, emb);
        var output = @out.call(h);
        if (_request.TanhOutput) output = output.tanh();
        return output.MoveToOuterDisposeScope();
    }
}
