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
/// tests/data/reference/parity). <c>z_transform.*</c> exists only for latent requests, <c>heads.*</c> only for requests with
/// extra heads (<see cref="UNetHeads"/>: dense heads on the decoder's features, pooled heads on the bottleneck). The
/// output convolution and every block's last convolution are zero-initialised.
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
    private readonly UNetHeads? heads;
    private readonly BackboneRequest _request;
    private readonly UNetOptions _options;

    /// <summary>Builds the UNet for a dense <paramref name="request"/>; throws <see cref="ArgumentException"/> on invalid options.</summary>
    public UNetModel(UNetOptions options, BackboneRequest request) : base("unet")
    {
        UNetFactory.ThrowIfInvalid(options, request);
        _options = options;
        _request = request;
        (time_embed, label_emb, z_transform) = UNetConditioning.Build(options, request);
        var encoder = UNetTrunk.BuildEncoder(options, request.InChannels);
        input_blocks = encoder.InputBlocks;
        middle_block = encoder.MiddleBlock;
        (output_blocks, int outCh) = UNetTrunk.BuildDecoder(options, encoder);
        BottleneckChannels = encoder.Channels;
        @out = UNetOutputLayers.Dense(outCh, options.NumGroups, request.OutChannels);
        if (request.Heads.Count > 0) heads = new UNetHeads(options, request.Heads, outCh, encoder.Channels, encoder.Downsampling);
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
        var (decoded, bottleneck) = Trunk(x, t, y, z);
        return (Main(decoded).MoveToOuterDisposeScope(), bottleneck.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// The main output and every requested head from one pass: a dense head reads the decoder's final features
    /// (<c>[B, channels, S, S]</c>), a pooled head the bottleneck (<c>[B, channels]</c>); heads never get tanh.
    /// A head named in <paramref name="detachTrunk"/> reads detached features. Fresh tensors in the caller's scope.
    /// </summary>
    protected override IReadOnlyDictionary<string, Tensor> ForwardHeadsCore(Tensor x, Tensor t, Tensor? y, Tensor? z,
                                                                            IReadOnlyCollection<string> detachTrunk)
    {
        if (heads is null) return base.ForwardHeadsCore(x, t, y, z, detachTrunk);
        UNetFactory.CheckInput(x, _request.InChannels, _options.ImageSize);
        using var scope = NewDisposeScope();
        var (decoded, bottleneck) = Trunk(x, t, y, z);
        var outputs = new Dictionary<string, Tensor> { [BackboneHead.Main] = Main(decoded) };
        heads.AddOutputs(outputs, decoded, bottleneck, detachTrunk);
        foreach (var v in outputs.Values) v.MoveToOuterDisposeScope();
        return outputs;
    }

    // The decoder's final features [B, C_0, S, S] and the bottleneck [B, C_mid, S/ds, S/ds], in the caller's scope.
    private (Tensor Decoded, Tensor Bottleneck) Trunk(Tensor x, Tensor t, Tensor? y, Tensor? z)
    {
        var emb = UNetConditioning.Embed(time_embed, label_emb, z_transform, _options.ModelChannels, t, y, z, x.dtype); // [B, 4ch]
        var skips = new Stack<Tensor>();
        var bottleneck = UNetTrunk.Encode(input_blocks, middle_block, x, emb, skips);
        return (UNetTrunk.Decode(output_blocks, bottleneck, skips, emb), bottleneck);
    }

    private Tensor Main(Tensor decoded)
    {
        var output = @out.call(decoded);
        return _request.TanhOutput ? output.tanh() : output;
    }
}
