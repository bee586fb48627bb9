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

    /// <summary>
    /// One trunk pass returning the main output under <see cref="BackboneHead.Main"/> and every head of
    /// <see cref="BackboneRequest.Heads"/> under its name. Shapes: main as <c>forward</c>; a dense head
    /// <c>[B, channels, ...spatial]</c>, a pooled head <c>[B, channels]</c>. Fresh tensors in the caller's scope.
    /// The default serves a backbone without heads; a backbone that supports heads overrides it.
    /// </summary>
    public virtual IReadOnlyDictionary<string, Tensor> ForwardHeads(Tensor x, Tensor t, Tensor? y, Tensor? z)
    {
        if (Request.Heads.Count > 0)
            throw new NotSupportedException($"{GetType().Name} does not implement extra heads ({Request.Role} asked for "
                                            + string.Join(", ", Request.Heads.Select(h => h.Name)) + ")");
        return new Dictionary<string, Tensor> { [BackboneHead.Main] = call(x, t, y, z) };
    }

    /// <summary>
    /// The result of <see cref="ForwardHeads"/> for a backbone whose heads all read one feature tensor: <paramref name="main"/>
    /// under <see cref="BackboneHead.Main"/> and <paramref name="head"/>(head, features) for every requested head, with the
    /// features detached for a <see cref="BackboneHead.DetachTrunk"/> head. Call it inside the override's dispose scope;
    /// the results are moved out of it.
    /// </summary>
    protected IReadOnlyDictionary<string, Tensor> WithHeads(Tensor main, Tensor features, Func<BackboneHead, Tensor, Tensor> head)
    {
        var result = new Dictionary<string, Tensor> { [BackboneHead.Main] = main };
        foreach (var h in Request.Heads) result[h.Name] = head(h, h.DetachTrunk ? features.detach() : features);
        foreach (var v in result.Values) v.MoveToOuterDisposeScope();
        return result;
    }
}
