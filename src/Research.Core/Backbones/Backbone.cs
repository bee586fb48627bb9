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
    /// </summary>
    /// <param name="x">Input.</param>
    /// <param name="t">Step indices <c>[B]</c>.</param>
    /// <param name="y">Class labels <c>[B]</c>, when the network was built class-conditional.</param>
    /// <param name="z">Latent <c>[B, nz]</c>, when the network was built with one.</param>
    /// <param name="detachTrunk">
    /// Heads that read the trunk's features detached in this pass, so that a loss on them trains their own layers only
    /// and leaves the shared trunk to the other outputs (SIDDM's <c>afd_trains_trunk: false</c> in its D step). A loss
    /// term's choice, not the network's: another term (the G step) reads the same head with the gradient flowing through
    /// the trunk to the input. Null or empty: no head is detached. A name that is not a requested head is an error.
    /// </param>
    public IReadOnlyDictionary<string, Tensor> ForwardHeads(Tensor x, Tensor t, Tensor? y, Tensor? z,
                                                            IReadOnlyCollection<string>? detachTrunk = null)
    {
        detachTrunk ??= [];
        foreach (var name in detachTrunk)
            if (!Request.Heads.Any(h => h.Name == name))
                throw new ArgumentException($"{Request.Role}: cannot detach the trunk for head '{name}': no such head (requested: "
                                            + (Request.Heads.Count == 0 ? "none" : string.Join(", ", Request.Heads.Select(h => h.Name))) + ")",
                                            nameof(detachTrunk));
        return ForwardHeadsCore(x, t, y, z, detachTrunk);
    }

    /// <summary>
    /// <see cref="ForwardHeads"/> after its argument check: <paramref name="detachTrunk"/> names requested heads only.
    /// The default serves a backbone without heads; a backbone that supports heads overrides it.
    /// </summary>
    protected virtual IReadOnlyDictionary<string, Tensor> ForwardHeadsCore(Tensor x, Tensor t, Tensor? y, Tensor? z,
                                                                           IReadOnlyCollection<string> detachTrunk)
    {
        if (Request.Heads.Count > 0)
            throw new NotSupportedException($"{GetType().Name} does not implement extra heads ({Request.Role} asked for "
                                            + string.Join(", ", Request.Heads.Select(h => h.Name)) + ")");
        return new Dictionary<string, Tensor> { [BackboneHead.Main] = call(x, t, y, z) };
    }

    /// <summary>
    /// The result of <see cref="ForwardHeadsCore"/> for a backbone whose heads all read one feature tensor:
    /// <paramref name="main"/> under <see cref="BackboneHead.Main"/> and <paramref name="head"/>(head, features) for every
    /// requested head, with the features detached for a head named in <paramref name="detachTrunk"/>. Call it inside the
    /// override's dispose scope; the results are moved out of it.
    /// </summary>
    protected IReadOnlyDictionary<string, Tensor> WithHeads(Tensor main, Tensor features, IReadOnlyCollection<string> detachTrunk,
                                                            Func<BackboneHead, Tensor, Tensor> head)
    {
        var result = new Dictionary<string, Tensor> { [BackboneHead.Main] = main };
        foreach (var h in Request.Heads) result[h.Name] = head(h, detachTrunk.Contains(h.Name) ? features.detach() : features);
        foreach (var v in result.Values) v.MoveToOuterDisposeScope();
        return result;
    }
}
