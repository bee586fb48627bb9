using Research.Core.Backbones;
using Research.Core.Layers;
using Research.Models.Embeddings;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.Mlp;

/// <summary>
/// MLP denoiser / generator / discriminator for 2-D data. Every hidden layer adds a projection of the
/// conditioning embedding e = MLP(sinusoid(t)) [+ class embedding] [+ mapped latent w], the additive
/// conditioning used by DDPM's UNet (arXiv 2006.11239, App. B) reduced to fully connected layers. A generator's latent
/// enters as <see cref="MlpOptions.LatentInjection"/> says: in e, as a per-layer bias (of z alone, or of z and t
/// jointly), or at the input.
/// </summary>
public sealed class MlpBackbone : Backbone
{
    private readonly BackboneRequest _request;
    private readonly MlpOptions _options;
    private readonly Linear input;
    private readonly ModuleList<Linear> hidden;
    private readonly ModuleList<Linear> cond;
    private readonly Linear time_fc1, time_fc2, output;
    private readonly Embedding? label_emb;
    private readonly Sequential? z_map;
    private readonly Linear? z_bias;   // latent_injection "bias": the A_i of all hidden layers stacked, [L·h, w]
    private readonly Linear? t_gate;   // latent_injection "joint-bias": the B_i of all hidden layers stacked, [L·w, h]
    private readonly ModuleList<Linear>? z_joint;   // latent_injection "joint-bias": A_i per hidden layer, [h, w]
    private readonly ModuleDict<Linear> heads;
    private readonly Tensor? fourier_b;
    private readonly int _latentAtInput;    // nz when z is concatenated to the input features, else 0

    /// <summary>
    /// Builds the MLP for <paramref name="request"/> (a pooled request is the same MLP: 2-D has no space). Each extra
    /// head is its own linear layer on the activated trunk features, beside the main <c>output</c> layer.
    /// </summary>
    public MlpBackbone(MlpOptions options, BackboneRequest request) : base("mlp")
    {
        var problems = request.Validate().ToList();
        if (problems.Count > 0) throw new ArgumentException("invalid backbone request: " + string.Join("; ", problems), nameof(request));
        _options = options;
        _request = request;
        int h = options.HiddenDim, e = options.TimeEmbedDim;
        time_fc1 = nn.Linear(e, h);
        time_fc2 = nn.Linear(h, h);
        if (request.NumClasses > 0) label_emb = nn.Embedding(request.NumClasses, h);
        bool latentAtInput = request.LatentDim > 0 && options.LatentInjection == "input";
        bool latentAsJoint = request.LatentDim > 0 && options.LatentInjection == "joint-bias";
        bool latentAsBias = request.LatentDim > 0 && (options.LatentInjection == "bias" || latentAsJoint);
        if (request.LatentDim > 0 && !latentAtInput)
            z_map = nn.Sequential(nn.Linear(request.LatentDim, options.LatentEmbedDim), nn.SiLU(),
                nn.Linear(options.LatentEmbedDim, options.LatentEmbedDim), nn.SiLU(),
                nn.Linear(options.LatentEmbedDim, latentAsBias ? options.LatentEmbedDim : h));
        if (latentAsBias && !latentAsJoint) z_bias = nn.Linear(options.LatentEmbedDim, options.NumLayers * h, hasBias: false);
        if (latentAsJoint)
        {
            t_gate = nn.Linear(h, options.NumLayers * options.LatentEmbedDim);
            z_joint = new ModuleList<Linear>();
            for (int i = 0; i < options.NumLayers; i++) z_joint.Add(nn.Linear(options.LatentEmbedDim, h, hasBias: false));
        }
        int m = options.GaussianFourierFeatures;
        if (m > 0) fourier_b = randn([request.InChannels, m]).mul_(options.GaussianFourierScale);   // seeded init stream
        _latentAtInput = latentAtInput ? request.LatentDim : 0;
        input = nn.Linear(request.InChannels * (1 + 2 * options.InputFourierBands) + 2 * m + _latentAtInput, h);
        hidden = new ModuleList<Linear>();
        cond = new ModuleList<Linear>();
        for (int i = 0; i < options.NumLayers; i++)
        {
            hidden.Add(nn.Linear(h, h));
            cond.Add(nn.Linear(h, h));
        }
        int features = h + (request.MinibatchStdGroup > 0 ? 1 : 0);
        output = nn.Linear(features, request.OutChannels);
        heads = new ModuleDict<Linear>();
        foreach (var head in request.Heads) heads.Add((head.Name, nn.Linear(features, head.Channels)));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override BackboneRequest Request => _request;

    /// <summary>x <c>[B, in]</c>, t <c>[B]</c>, y <c>[B]</c>?, z <c>[B, nz]</c>? → <c>[B, out]</c>.</summary>
    public override Tensor forward(Tensor x, Tensor t, Tensor? y, Tensor? z)
    {
        using var scope = NewDisposeScope();
        return Main(Trunk(x, t, y, z)).MoveToOuterDisposeScope();
    }

    /// <summary>Main output <c>[B, out]</c> and each head <c>[B, channels]</c> from one trunk pass.</summary>
    protected override IReadOnlyDictionary<string, Tensor> ForwardHeadsCore(Tensor x, Tensor t, Tensor? y, Tensor? z,
                                                                            IReadOnlyCollection<string> detachTrunk)
    {
        using var scope = NewDisposeScope();
        var features = Trunk(x, t, y, z);                                          // [B, h(+1)], activated
        return WithHeads(Main(features), features, detachTrunk, (head, f) => heads[head.Name].call(f));
    }

    private Tensor Main(Tensor features)
    {
        var outp = output.call(features);
        return _request.TanhOutput ? tanh(outp) : outp;
    }

    // The activated features of the last hidden layer [B, h], plus the minibatch-std feature when requested [B, h+1];
    // tensors stay in the caller's scope.
    private Tensor Trunk(Tensor x, Tensor t, Tensor? y, Tensor? z)
    {
        // Unless class labels or a latent mapped into the embedding make it per sample, the conditioning depends on t
        // alone: compute it once per distinct t and gather. A sampler calls with one t for the whole batch, so this
        // halves the cost of sampling; there the single row is broadcast in the sums instead of gathered (same values).
        Tensor tIn = t;
        Tensor? inverse = null;
        bool zInEmbedding = z_map is not null && z_bias is null && z_joint is null;
        if (label_emb is null && !zInEmbedding) (tIn, inverse, _) = t.unique(sorted: true, return_inverse: true);
        var emb = time_fc2.call(nn.functional.silu(time_fc1.call(SinusoidalEmbedding.Embed(tIn, _options.TimeEmbedDim))));
        if (label_emb is not null)
            emb = emb + label_emb.call(y ?? throw new ArgumentException("this backbone was built class-conditional: pass labels y"));
        Tensor? w = z_map?.call(z ?? throw new ArgumentException("this backbone was built with a latent input: pass z"));
        if (zInEmbedding) emb = emb + w!;
        var zBias = z_bias?.call(w!);                                             // [B, L·h]: every A_i·w in one matmul
        var embAct = nn.functional.silu(emb);
        Tensor? joint = null;                                                     // joint-bias: silu(B_i·e(t) + w), [B, L·w]
        if (t_gate is not null)
        {
            var gate = t_gate.call(embAct);                                       // [U, L·w], once per distinct t
            if (inverse is not null && gate.shape[0] > 1) gate = gate.index_select(0, inverse);
            joint = nn.functional.silu(gate + w!.repeat(1, _options.NumLayers));
        }
        var features = FourierFeatures(x);
        if (_latentAtInput > 0)
            features = cat([features, z ?? throw new ArgumentException("this backbone was built with a latent input: pass z")], 1);
        var hcur = input.call(features);
        for (int i = 0; i < hidden.Count; i++)
        {
            var c = cond[i].call(embAct);
            if (inverse is not null && c.shape[0] > 1) c = c.index_select(0, inverse);   // [U, h] → [B, h]; one t broadcasts
            if (zBias is not null) c = c + zBias.narrow(1, i * _options.HiddenDim, _options.HiddenDim);   // + A_i·w
            if (joint is not null) c = c + z_joint![i].call(joint.narrow(1, i * _options.LatentEmbedDim, _options.LatentEmbedDim));
            var f = hidden[i].call(Activate(hcur + c));
            hcur = _options.Residual ? hcur + f : f;
        }
        var trunk = Activate(hcur);
        return _request.MinibatchStdGroup > 0 ? cat([trunk, MinibatchStd.Feature(trunk, _request.MinibatchStdGroup)], 1) : trunk;
    }

    /// <summary>
    /// [x, sin(2^k π x), cos(2^k π x) for k &lt; K per coordinate, sin(2π xB), cos(2π xB)]:
    /// <c>[B, in]</c> → <c>[B, in·(1+2K) + 2m]</c>.
    /// </summary>
    private Tensor FourierFeatures(Tensor x)
    {
        int k = _options.InputFourierBands;
        if (k == 0 && fourier_b is null) return x.alias();
        var features = new List<Tensor> { x };
        if (k > 0)
        {
            var freqs = pow(2.0, arange(k, dtype: float32, device: x.device)) * Math.PI;      // [K]
            var args = (x.unsqueeze(-1) * freqs).flatten(1);                                 // [B, in·K]
            features.Add(sin(args));
            features.Add(cos(args));
        }
        if (fourier_b is not null)
        {
            var proj = x.matmul(fourier_b).mul_(2 * Math.PI);                               // [B, m]
            features.Add(sin(proj));
            features.Add(cos(proj));
        }
        return cat(features, 1);
    }

    private Tensor Activate(Tensor h) =>
        _options.Activation == "leaky-relu" ? nn.functional.leaky_relu(h, 0.2) : nn.functional.silu(h);
}
