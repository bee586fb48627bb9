using TorchSharp;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// A sequence of layers, registered under "0", "1", …, that passes the conditioning embedding to the layers that take
/// one (<see cref="ResBlock"/>) and only x to the others (convolutions, attention, resampling): guided-diffusion's
/// <c>TimestepEmbedSequential</c> (IDDPM, arXiv 2102.09672; ADM, arXiv 2105.05233).
/// </summary>
public sealed class TimestepEmbedSequential : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly nn.Module[] _layers;

    /// <summary>Each layer is an <c>nn.Module&lt;x, emb, out&gt;</c> or an <c>nn.Module&lt;x, out&gt;</c>.</summary>
    public TimestepEmbedSequential(params nn.Module[] layers) : base("TimestepEmbedSequential")
    {
        foreach (var l in layers)
            if (l is not (nn.Module<Tensor, Tensor, Tensor> or nn.Module<Tensor, Tensor>))
                throw new ArgumentException($"{l.GetType().Name} takes neither (x) nor (x, emb)");
        _layers = layers;
        for (int i = 0; i < layers.Length; i++) register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), layers[i]);
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<nn.Module> Layers => _layers;

    /// <summary>x <c>[B, C, H, W]</c>, emb <c>[B, E]</c> → the last layer's output.</summary>
    public override Tensor forward(Tensor x, Tensor emb)
    {
        var h = x;
        foreach (var layer in _layers)
        {
            var next = layer is nn.Module<Tensor, Tensor, Tensor> withEmb ? withEmb.call(h, emb) : ((nn.Module<Tensor, Tensor>)layer).call(h);
            if (!ReferenceEquals(h, x)) h.Dispose();
            h = next;
        }
        return ReferenceEquals(h, x) ? x.alias() : h;
    }
}
