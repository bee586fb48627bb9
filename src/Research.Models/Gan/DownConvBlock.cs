using Research.Core.Layers;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Models.Gan;

/// <summary>
/// A residual down-block of DDGAN's discriminator (official <c>DownConvBlock</c>; docs/methods.md §4.6):
/// h = conv3×3(LReLU(x)) + Linear(t_emb); h = LReLU(h); [FIR-downsample h and x]; h = conv3×3(h) (≈ zero init);
/// out = (h + conv1×1(x)) / √2, the skip convolution without bias. State-dict keys as the reference:
/// <c>conv1.0</c>, <c>conv2.0</c>, <c>dense_t1</c>, <c>skip.0</c>.
/// </summary>
public sealed class DownConvBlock : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Sequential conv1, conv2, skip;
    private readonly Linear dense_t1;
    private readonly bool _downsample, _fir;

    /// <summary>A block from <paramref name="inChannels"/> to <paramref name="outChannels"/>, conditioned on a <paramref name="tEmbDim"/>-wide embedding.</summary>
    public DownConvBlock(int inChannels, int outChannels, int tEmbDim, bool downsample, bool fir) : base("DownConvBlock")
    {
        var c1 = new SafeConv2d(inChannels, outChannels, 3, padding: 1);
        var c2 = new SafeConv2d(outChannels, outChannels, 3, padding: 1);
        var sk = new SafeConv2d(inChannels, outChannels, 1, hasBias: false);
        dense_t1 = nn.Linear(tEmbDim, outChannels);
        VarianceScaling.DdganUniform(c1.Weight, c1.Bias);
        VarianceScaling.DdganUniform(c2.Weight, c2.Bias, scale: 0);
        VarianceScaling.DdganUniform(sk.Weight, null);
        VarianceScaling.DdganUniform(dense_t1.weight!, dense_t1.bias);
        conv1 = nn.Sequential(c1);
        conv2 = nn.Sequential(c2);
        skip = nn.Sequential(sk);
        _downsample = downsample;
        _fir = fir;
        RegisterComponents();
    }

    /// <summary>x <c>[B, C_in, H, W]</c>, activated t-embedding <c>[B, tEmbDim]</c> → <c>[B, C_out, H′, W′]</c>.</summary>
    public override Tensor forward(Tensor x, Tensor tEmb)
    {
        using var scope = NewDisposeScope();
        var h = conv1.call(LeakyRelu(x));
        h = LeakyRelu(h + dense_t1.call(tEmb).unsqueeze(-1).unsqueeze(-1));
        var input = x;
        if (_downsample)
        {
            h = Down(h);
            input = Down(input);
        }
        h = conv2.call(h);
        return ((h + skip.call(input)) / Math.Sqrt(2)).MoveToOuterDisposeScope();
    }

    /// <summary>LReLU with slope 0.2, the reference's discriminator activation.</summary>
    internal static Tensor LeakyRelu(Tensor x) => nn.functional.leaky_relu(x, 0.2);

    private Tensor Down(Tensor x) => _fir ? FirDownsample.Apply(x) : nn.functional.avg_pool2d(x, 2, 2);
}
