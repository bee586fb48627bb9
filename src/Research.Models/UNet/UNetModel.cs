using Research.Core.Layers;
using Research.Core.Backbones;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// The ADM UNet (guided-diffusion <c>UNetModel</c>): a dense ε/x₀/v predictor f(x, t, y?, z?) with the image's spatial
/// shape. Residual blocks with AdaGN, optional BigGAN up/down-sampling, multi-head self-attention at chosen resolutions,
/// dropout, channel multipliers, class conditioning through an embedding added to the time embedding, and optional
/// latent-z conditioning through DDGAN's mapping network (<see cref="UNetConditioning"/>).
/// </summary>
/// <remarks>
/// Dhariwal &amp; Nichol, "Diffusion Models Beat GANs on Image Synthesis", arXiv 2105.05233 §3 (architecture
/// improvements); Nichol &amp; Dhariwal, "Improved DDPM", arXiv 2102.09672 (the UNet it extends). Parameter names equal the
/// reference state-dict keys (<c>time_embed.*</c>, <c>label_emb.*</c>, <c>input_blocks.N.M.*</c>, <c>middle_block.*</c>,
/// <c>output_blocks.*</c>, <c>out.*</c>) so guided-diffusion weights load without a mapping table (tested against
/// ../shared/data/parity). <c>z_transform.*</c> exists only for latent requests. The output convolution and every
/// block's last convolution are zero-initialised.
/// </remarks>
public sealed class UNetModel : Backbone
{
    private readonly IndexedLayers time_embed;
    private readonly Embedding? label_emb;
    private readonly IndexedLayers? z_transform;
    private readonly ModuleList<TimestepEmbedSequential> input_blocks;
    private readonly TimestepEmbedSequential middle_block;
    private readonly ModuleList<TimestepEmbedSequential> output_blocks;
    private readonly IndexedLayers @out;
    private readonly BackboneRequest _request;
    private readonly UNetOptions _options;

    /// <summary>Builds the UNet for a dense <paramref name="request"/>; throws <see cref="ArgumentException"/> on invalid options.</summary>
    public UNetModel(UNetOptions options, BackboneRequest request) : base("unet")
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
        (output_blocks, int outCh) = UNetTrunk.BuildDecoder(options, encoder);
        BottleneckChannels = encoder.Channels;
        @out = new IndexedLayers(new GroupNorm32(outCh, options.NumGroups), nn.SiLU(),
            UNetInit.Zero(new SafeConv2d(outCh, request.OutChannels, 3, padding: 1)));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override BackboneRequest Request => _request;

    /// <summary>The options it was built with.</summary>
    public UNetOptions Options => _options;

    /// <summary>Channels of the bottleneck features returned by <see cref="ForwardFeatures"/>.</summary>
    public int BottleneckChannels { get; }

    /// <summary>x <c>[B, C_in, S, S]</c>, t <c>[B]</c>, y <c>[B]</c>?, z <c>[B, nz]</c>? → <c>[B, C_out, S, S]</c>.</summary>
    public override Tensor forward(Tensor x, Tensor t, Tensor? y, Tensor? z)
    {
        var (output, bottleneck) = ForwardFeatures(x, t, y, z);
        bottleneck.Dispose();
        return output;
    }

    /// <summary>
    /// The dense output and the bottleneck features (middle block output, <c>[B, BottleneckChannels, S/ds, S/ds]</c>), for
    /// heads that read the UNet's encoder (e.g. a pooled logit head beside the dense head of a UNet discriminator).
    /// The caller owns both tensors.
    /// </summary>
    public (Tensor Output, Tensor Bottleneck) ForwardFeatures(Tensor x, Tensor t, Tensor? y, Tensor? z)
    {
        UNetFactory.CheckInput(x, _request.InChannels, _options.ImageSize);
        using var scope = NewDisposeScope();
        var emb = UNetConditioning.Embed(time_embed, label_emb, z_transform, _options.ModelChannels, t, y, z, x.dtype); // [B, 4ch]
        var skips = new Stack<Tensor>();
        var h = x;
        foreach (var block in input_blocks)
        {
            h = block.call(h, emb);
            skips.Push(h);
        }
        h = middle_block.call(h, emb);
        var bottleneck = h;
        foreach (var block in output_blocks) h = block.call(cat([h, skips.Pop()], 1), emb);
        var output = @out.call(h);
        if (_request.TanhOutput) output = output.tanh();
        return (output.MoveToOuterDisposeScope(), bottleneck.MoveToOuterDisposeScope());
    }
}
