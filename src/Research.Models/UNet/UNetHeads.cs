using Research.Core.Backbones;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Models.UNet;

/// <summary>
/// The extra heads of a UNet backbone (<see cref="BackboneRequest.Heads"/>), each its own output layer on the shared
/// trunk, registered under its name (keys <c>heads.&lt;name&gt;.*</c>): a dense head is UNetModel's <c>out</c> (GN, SiLU,
/// zero-initialised 3×3 conv) on the decoder's final features, giving <c>[B, channels, S, S]</c>; a pooled head is
/// EncoderUNetModel's <c>out</c> on the bottleneck, giving <c>[B, channels]</c>. Heads never get tanh.
/// </summary>
/// <remarks>
/// SIDDM (Xu et al., arXiv 2306.12511 §3.2–3.3): the discriminator's regression head C_ψ and its denoising decoder head
/// D_den are dense heads of one UNet discriminator (<see cref="UNetDiscriminator"/>). A head the caller names in
/// <see cref="Backbone.ForwardHeads"/>'s <c>detachTrunk</c> reads detached features in that pass, so a loss on it then
/// trains its own layers only.
/// </remarks>
public sealed class UNetHeads : nn.Module
{
    private readonly IReadOnlyList<BackboneHead> _heads;
    private readonly Dictionary<string, IndexedLayers> _layers = new(StringComparer.Ordinal);

    /// <summary>Builds one output layer per head, in the order requested.</summary>
    /// <param name="options">The backbone options.</param>
    /// <param name="heads">The requested heads (names already validated).</param>
    /// <param name="decoderChannels">Channels of the decoder's final features (dense heads).</param>
    /// <param name="bottleneckChannels">Channels of the bottleneck (pooled heads).</param>
    /// <param name="downsampling">Downsampling factor of the bottleneck.</param>
    public UNetHeads(UNetOptions options, IReadOnlyList<BackboneHead> heads, int decoderChannels, int bottleneckChannels, int downsampling)
        : base("UNetHeads")
    {
        _heads = heads;
        foreach (var head in heads)
        {
            var layers = head.Output == BackboneOutput.Dense
                ? UNetOutputLayers.Dense(decoderChannels, options.NumGroups, head.Channels)
                : UNetOutputLayers.Pooled(options, bottleneckChannels, downsampling, head.Channels);
            _layers.Add(head.Name, layers);
            register_module(head.Name, layers);
        }
    }

    /// <summary>True when some head reads the decoder (the network then needs its decoder half).</summary>
    public static bool NeedDecoder(IReadOnlyList<BackboneHead> heads) => heads.Any(h => h.Output == BackboneOutput.Dense);

    /// <summary>
    /// Adds every head's output to <paramref name="outputs"/> under its name; tensors in the caller's scope.
    /// decoded <c>[B, C_dec, S, S]</c> (null when no head is dense), bottleneck <c>[B, C_mid, S/ds, S/ds]</c>; a head named
    /// in <paramref name="detachTrunk"/> reads them detached.
    /// </summary>
    public void AddOutputs(IDictionary<string, Tensor> outputs, Tensor? decoded, Tensor bottleneck, IReadOnlyCollection<string> detachTrunk)
    {
        foreach (var head in _heads)
        {
            var features = head.Output == BackboneOutput.Dense
                ? decoded ?? throw new InvalidOperationException($"head '{head.Name}' is dense but no decoder features were computed")
                : bottleneck;
            outputs[head.Name] = _layers[head.Name].call(detachTrunk.Contains(head.Name) ? features.detach() : features);
        }
    }
}
