using Research.Core.Backbones;
using Research.Core.Layers;
using Research.Models.Embeddings;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.Gan;

/// <summary>
/// DDGAN's time-conditional discriminator D(x_{t−1}, x_t, t) (Xiao et al., arXiv 2112.07804 §4 and App. C; official
/// <c>Discriminator_small</c>; docs/methods.md §4.6). The family passes the pair already
/// concatenated on channels, so <c>x</c> is <c>[B, 2C, H, W]</c>.
/// </summary>
/// <remarks>
/// <para>
/// start_conv (1×1) → DownConvBlocks (<see cref="DownConvBlock"/>; LReLU 0.2, t-embedding added per block, FIR
/// downsampling) → minibatch-stddev channel (when requested; the reference always uses group 4) → final_conv 3×3 (≈ zero
/// init) → LReLU → sum over positions → end_linear. The t-embedding is sinusoid(t) (DDGAN's [sin, cos] form) → Linear →
/// LReLU → Linear, then LReLU before use. No normalisation layers: unlike the ADM encoder (GroupNorm, SiLU), this is
/// the reference's design, and the ADM encoder as DDGAN discriminator went flat on MNIST (experiments/mnist-ddgan).
/// </para>
/// <para>
/// Keys as the reference (<c>t_embed.main.0</c>, <c>start_conv</c>, <c>conv1</c>…<c>convN</c>, <c>final_conv</c>,
/// <c>end_linear</c>), so its weights load with <c>training.init</c>. Extras beyond the reference, present only when
/// requested: <c>label_emb</c> (class input added to the t-embedding) and pooled heads <c>heads.&lt;name&gt;</c>, each a
/// linear layer on the summed features beside <c>end_linear</c>. Pooled requests only: there is no decoder for dense output.
/// </para>
/// <para>
/// Initialisation as the reference computes it (<see cref="VarianceScaling.DdganUniform"/>: fan_out, although the reference
/// names the mode fan_avg); the heads are initialised as <c>end_linear</c>, the layer they sit beside.
/// </para>
/// </remarks>
public sealed class DdganDiscriminator : Backbone
{
    private readonly Sequential t_embed;
    private readonly Embedding? label_emb;
    private readonly SafeConv2d start_conv;
    private readonly List<DownConvBlock> _blocks = [];
    private readonly SafeConv2d final_conv;
    private readonly Linear end_linear;
    private readonly ModuleDict<Linear> heads;
    private readonly BackboneRequest _request;
    private readonly DdganDiscriminatorOptions _options;

    /// <summary>Builds the discriminator for a pooled <paramref name="request"/>; throws <see cref="ArgumentException"/> naming every problem.</summary>
    public DdganDiscriminator(DdganDiscriminatorOptions options, BackboneRequest request) : base("ddgan_discriminator")
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(request);
        var problems = request.Validate().Concat(options.Validate()).ToList();
        if (request.Output != BackboneOutput.Pooled)
            problems.Add($"request '{request.Role}': ddgan-discriminator gives one vector per sample (pooled output) only; use the unet backbone for a {request.Output.ToString().ToLowerInvariant()} network");
        if (request.LatentDim > 0) problems.Add($"request '{request.Role}': ddgan-discriminator takes no latent z");
        if (request.TanhOutput) problems.Add($"request '{request.Role}': ddgan-discriminator has no tanh output");
        foreach (var head in request.Heads.Where(h => h.Output != BackboneOutput.Pooled))
            problems.Add($"request '{request.Role}': head '{head.Name}' is dense, but ddgan-discriminator has no decoder (pooled heads only; the unet backbone serves dense heads)");
        if (problems.Count > 0) throw new ArgumentException("ddgan-discriminator backbone: " + string.Join("; ", problems), nameof(request));
        _options = options;
        _request = request;
        int e = options.TEmbDim;
        var t0 = nn.Linear(e, e);
        var t2 = nn.Linear(e, e);
        VarianceScaling.DdganUniform(t0.weight!, t0.bias);
        VarianceScaling.DdganUniform(t2.weight!, t2.bias);
        t_embed = nn.Sequential(("main", nn.Sequential(t0, nn.LeakyReLU(0.2), t2)));
        if (request.NumClasses > 0) label_emb = nn.Embedding(request.NumClasses, e);
        var mult = options.ChannelMult;
        int ch = options.Ngf * mult[0];
        var start = new SafeConv2d(request.InChannels, ch, 1);
        VarianceScaling.DdganUniform(start.Weight, start.Bias);
        start_conv = start;
        for (int i = 0; i < mult.Count; i++)
        {
            int outCh = options.Ngf * mult[i];
            _blocks.Add(new DownConvBlock(ch, outCh, e, downsample: i > 0, fir: options.FirDownsample));
            ch = outCh;
        }
        int withStd = ch + (request.MinibatchStdGroup > 0 ? 1 : 0);
        final_conv = new SafeConv2d(withStd, ch, 3, padding: 1);
        VarianceScaling.DdganUniform(final_conv.Weight, final_conv.Bias, scale: 0);
        end_linear = nn.Linear(ch, request.OutChannels);
        VarianceScaling.DdganUniform(end_linear.weight!, end_linear.bias);
        heads = new ModuleDict<Linear>();
        foreach (var head in request.Heads)
        {
            var linear = nn.Linear(ch, head.Channels);
            VarianceScaling.DdganUniform(linear.weight!, linear.bias);
            heads.Add((head.Name, linear));
        }
        RegisterComponents();
        for (int i = 0; i < _blocks.Count; i++) register_module($"conv{i + 1}", _blocks[i]);
    }

    /// <inheritdoc />
    public override BackboneRequest Request => _request;

    /// <summary>x <c>[B, C_in, H, W]</c> (the pair on channels), t <c>[B]</c>, y <c>[B]</c>? → logits <c>[B, C_out]</c>.</summary>
    public override Tensor forward(Tensor x, Tensor t, Tensor? y, Tensor? z)
    {
        using var scope = NewDisposeScope();
        return end_linear.call(Trunk(x, t, y)).MoveToOuterDisposeScope();
    }

    /// <summary>The main logits and every pooled head from one trunk pass.</summary>
    protected override IReadOnlyDictionary<string, Tensor> ForwardHeadsCore(Tensor x, Tensor t, Tensor? y, Tensor? z,
                                                                            IReadOnlyCollection<string> detachTrunk)
    {
        using var scope = NewDisposeScope();
        var features = Trunk(x, t, y);
        return WithHeads(end_linear.call(features), features, detachTrunk, (head, f) => heads[head.Name].call(f));
    }

    // Summed features [B, C_last] in the caller's scope.
    private Tensor Trunk(Tensor x, Tensor t, Tensor? y)
    {
        if (x.dim() != 4 || x.shape[1] != _request.InChannels)
            throw new ArgumentException($"ddgan-discriminator expects x of shape [B, {_request.InChannels}, H, W], got [{string.Join(", ", x.shape)}]");
        var emb = t_embed.call(SinusoidalEmbedding.Embed(t, _options.TEmbDim, SinusoidalStyle.Ddgan).to_type(x.dtype));
        if (label_emb is not null)
            emb = emb + label_emb.call(y ?? throw new ArgumentException("this discriminator was built class-conditional: pass labels y"));
        emb = DownConvBlock.LeakyRelu(emb);
        var h = start_conv.call(x);
        foreach (var block in _blocks) h = block.call(h, emb);
        if (_request.MinibatchStdGroup > 0) h = cat([h, MinibatchStd.Feature(h, _request.MinibatchStdGroup)], 1);
        h = DownConvBlock.LeakyRelu(final_conv.call(h));
        return h.sum([2, 3]);
    }
}
