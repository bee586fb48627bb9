using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Backbones;

/// <summary>
/// A network every family can use: <c>f(x, t, y, z)</c>. <c>t</c> is the integer step index <c>[B]</c>
/// (int64), <c>y</c> optional class labels <c>[B]</c>, <c>z</c> an optional latent <c>[B, nz]</c>
/// (DDGAN's generator). Output shape is set by the <see cref="BackboneRequest"/> it was built from.
/// </summary>
public abstract class Backbone : nn.Module<Tensor, Tensor, Tensor?, Tensor?, Tensor>
{
    /// <summary>Names the module (its state-dict prefix stays empty: keys are its fields).</summary>
    protected Backbone(string name) : base(name) { }

    /// <summary>The request this network was built for.</summary>
    public abstract BackboneRequest Request { get; }
}
