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
/// <c>out.2.qkv_proj</c>, <c>out.2.c_proj</c>) or adaptive average pooling with a zero-initialised 1×1 conv (<c>out.3</c>);
/// or, with the spatial poolings, the spatial means of every input block's and the middle block's output, concatenated,
/// through a two-layer head (<c>out.0</c> … <c>out.3</c>).
/// </summary>
/// <remarks>
/// ADM, arXiv 2105.05233 §4 and docs/methods.md §6.1 (the UNet encoder with attention pooling).
/// Extras beyond the reference, present only when requested: <c>label_emb</c> (class input, e.g. a class-conditional
/// discriminator) and <c>z_transform</c> (latent input). It has no extra heads and no minibatch-stddev feature
/// (<see cref="BackboneRequest.MinibatchStdGroup"/> is not read, so its keys stay the reference's); a pooled request with
/// heads builds <see cref="UNetDiscriminator"/>, which has both.
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
        (time_embed, label_emb, z_transform) = UNetConditioning.Build(options, request);
        var encoder = UNetTrunk.BuildEncoder(options, request.InChannels);
        input_blocks = encoder.InputBlocks;
        middle_block = encoder.MiddleBlock;
        @out = UNetOutputLayers.Pooled(options, encoder.Channels, encoder.Downsampling, request.OutChannels,
            encoder.SkipChannels.Sum() + encoder.Channels);
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
        var output = _options.SpatialPool ? @out.call(SpatialMeans(x, emb))                                 // [B, Σ C_i] → [B, out]
            : @out.call(UNetTrunk.Encode(input_blocks, middle_block, x, emb));                               // [B, C_mid, S/ds, S/ds] → [B, out]
        if (_request.TanhOutput) output = output.tanh();
        return output.MoveToOuterDisposeScope();
    }

    // The spatial poolings' input: the mean over H, W of every input block's output and of the middle block's, concatenated.
    private Tensor SpatialMeans(Tensor x, Tensor emb)
    {
        var means = new List<Tensor>();
        var h = x;
        foreach (var block in input_blocks)
        {
            h = block.call(h, emb);
            means.Add(h.mean([2, 3]));
        }
        means.Add(middle_block.call(h, emb).mean([2, 3]));
        return cat(means, -1);
    }
}
