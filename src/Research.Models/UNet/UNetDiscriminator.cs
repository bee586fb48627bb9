using Research.Core.Backbones;
using Research.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// A full encoder–decoder ADM UNet used as a discriminator with extra heads: the main output (the logit,
/// <c>[B, OutChannels]</c>) is pooled from the bottleneck exactly as <see cref="EncoderUNetModel"/>'s <c>out</c> (GN, SiLU,
/// attention or adaptive-average pooling per <see cref="UNetOptions.Pool"/>); each dense head is its own output layer on
/// the decoder's final features (GN, SiLU, zero-initialised 3×3 conv, as <see cref="UNetModel"/>'s <c>out</c>), giving
/// <c>[B, channels, S, S]</c>; a pooled head is a second pooling layer on the bottleneck (<see cref="UNetHeads"/>).
/// Built for pooled requests with heads; <see cref="Backbone.ForwardHeads"/> returns them all from one trunk pass.
/// </summary>
/// <remarks>
/// <para>SIDDM (Xu et al., arXiv 2306.12511 §3.2–3.3; docs/methods.md §5.4): one discriminator whose encoder gives the marginal
/// logit D(x_{t−1}, t), whose decoder gives the denoising regulariser's head D_den (real x_{t−1} → x₀) and, here, also
/// the AFD regression head C_ψ (x′_{t−1} → x_t), so both heads share every layer of D. The trunk is ADM's
/// (Dhariwal &amp; Nichol, arXiv 2105.05233 §3–4; <see cref="UNetTrunk"/>, <see cref="UNetConditioning"/>), with the same
/// keys as <see cref="UNetModel"/> and <see cref="EncoderUNetModel"/>: <c>time_embed</c>, <c>label_emb</c>?,
/// <c>z_transform</c>?, <c>input_blocks</c>, <c>middle_block</c>, <c>output_blocks</c> (only when a head is dense),
/// <c>out</c>, <c>heads.&lt;name&gt;</c>. Without the minibatch-stddev feature its encoder and <c>out</c> are
/// EncoderUNetModel's, key for key and value for value.</para>
/// <para>Minibatch stddev (<see cref="BackboneRequest.MinibatchStdGroup"/> &gt; 0): the std feature of the bottleneck
/// (<see cref="MinibatchStd"/>) is appended as one more channel and mixed back by a 3×3 conv
/// (<c>minibatch_std_conv</c>, C+1 → C), as DDGAN's discriminator does before its last layers (its <c>final_conv</c>;
/// arXiv 2112.07804). The logit, the pooled heads and, through the decoder, the dense heads all read the mixed features,
/// as every output of the MLP backbone reads its std feature. The conv, rather than a wider norm or pooling layer, keeps
/// every width a multiple of the group and head counts. DDGAN initialises that conv near zero (<c>init_scale=0.</c>); here
/// it keeps nn.Conv2d's default initialisation, because the GN that starts <c>out</c> and the decoder's first block would
/// otherwise normalise an almost-zero map.</para>
/// </remarks>
public sealed class UNetDiscriminator : Backbone
{
    private readonly IndexedLayers time_embed;
    private readonly Embedding? label_emb;
    private readonly IndexedLayers? z_transform;
    private readonly ModuleList<TimestepEmbedSequential> input_blocks;
    private readonly TimestepEmbedSequential middle_block;
    private readonly SafeConv2d? minibatch_std_conv;
    private readonly IndexedLayers @out;
    private readonly ModuleList<TimestepEmbedSequential>? output_blocks;
    private readonly UNetHeads? heads;
    private readonly BackboneRequest _request;
    private readonly UNetOptions _options;

    /// <summary>
    /// Builds the discriminator for <paramref name="request"/> (pooled main output; any mix of dense and pooled heads);
    /// throws <see cref="ArgumentException"/> on invalid options. The decoder half exists only if a head is dense.
    /// </summary>
    public UNetDiscriminator(UNetOptions options, BackboneRequest request) : base("unet_discriminator")
    {
        UNetFactory.ThrowIfInvalid(options, request);
        if (request.Output != BackboneOutput.Pooled)
            throw new ArgumentException($"unet backbone: UNetDiscriminator serves pooled requests, '{request.Role}' asked for {request.Output}", nameof(request));
        _options = options;
        _request = request;
        // Same construction order as EncoderUNetModel, so that with one seed both draw the same encoder weights.
        (time_embed, label_emb, z_transform) = UNetConditioning.Build(options, request);
        var encoder = UNetTrunk.BuildEncoder(options, request.InChannels);
        input_blocks = encoder.InputBlocks;
        middle_block = encoder.MiddleBlock;
        int c = encoder.Channels;
        @out = UNetOutputLayers.Pooled(options, c, encoder.Downsampling, request.OutChannels);
        if (request.MinibatchStdGroup > 0) minibatch_std_conv = new SafeConv2d(c + 1, c, 3, padding: 1);
        int decoderChannels = 0;
        if (UNetHeads.NeedDecoder(request.Heads))
        {
            (var blocks, decoderChannels) = UNetTrunk.BuildDecoder(options, encoder);
            output_blocks = blocks;
        }
        if (request.Heads.Count > 0) heads = new UNetHeads(options, request.Heads, decoderChannels, c, encoder.Downsampling);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override BackboneRequest Request => _request;

    /// <summary>
    /// The logit only (the decoder is skipped): x <c>[B, C_in, S, S]</c>, t <c>[B]</c>, y <c>[B]</c>?, z <c>[B, nz]</c>? →
    /// <c>[B, C_out]</c>; bit-identical to <see cref="Backbone.ForwardHeads"/>'s main output.
    /// </summary>
    public override Tensor forward(Tensor x, Tensor t, Tensor? y, Tensor? z)
    {
        UNetFactory.CheckInput(x, _request.InChannels, _options.ImageSize);
        using var scope = NewDisposeScope();
        var emb = Embed(x, t, y, z);                                                       // [B, 4ch]
        var h = WithMinibatchStd(UNetTrunk.Encode(input_blocks, middle_block, x, emb));    // [B, C_mid, S/ds, S/ds]
        return Main(h).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// One trunk pass giving the logit under <see cref="BackboneHead.Main"/> (<c>[B, C_out]</c>), each dense head
    /// <c>[B, channels, S, S]</c> and each pooled head <c>[B, channels]</c>; heads never get tanh, and a head with
    /// its name in <paramref name="detachTrunk"/> reads detached features. Fresh tensors in the caller's scope.
    /// </summary>
    protected override IReadOnlyDictionary<string, Tensor> ForwardHeadsCore(Tensor x, Tensor t, Tensor? y, Tensor? z,
                                                                            IReadOnlyCollection<string> detachTrunk)
    {
        if (heads is null) return base.ForwardHeadsCore(x, t, y, z, detachTrunk);
        UNetFactory.CheckInput(x, _request.InChannels, _options.ImageSize);
        using var scope = NewDisposeScope();
        var emb = Embed(x, t, y, z);                                                       // [B, 4ch]
        var skips = output_blocks is null ? null : new Stack<Tensor>();
        var h = WithMinibatchStd(UNetTrunk.Encode(input_blocks, middle_block, x, emb, skips));
        var outputs = new Dictionary<string, Tensor> { [BackboneHead.Main] = Main(h) };
        var decoded = output_blocks is null ? null : UNetTrunk.Decode(output_blocks, h, skips!, emb);   // [B, C_0, S, S]
        heads.AddOutputs(outputs, decoded, h, detachTrunk);
        foreach (var v in outputs.Values) v.MoveToOuterDisposeScope();
        return outputs;
    }

    private Tensor Embed(Tensor x, Tensor t, Tensor? y, Tensor? z) =>
        UNetConditioning.Embed(time_embed, label_emb, z_transform, _options.ModelChannels, t, y, z, x.dtype);

    // h [B, C, s, s] → minibatch_std_conv([h, std]) [B, C, s, s] with the std feature broadcast over space; h itself when off.
    private Tensor WithMinibatchStd(Tensor h)
    {
        if (minibatch_std_conv is null) return h;
        var std = MinibatchStd.Feature(h, _request.MinibatchStdGroup);                   // [B, 1, H, W]
        return minibatch_std_conv.call(cat([h, std], 1));
    }

    private Tensor Main(Tensor h)
    {
        var output = @out.call(h);
        return _request.TanhOutput ? output.tanh() : output;
    }
}
