namespace Research.Core.Backbones;

/// <summary>
/// An extra named output of a backbone, computed from the same trunk features as the main output in the same
/// forward pass (<see cref="Backbone.ForwardHeads"/>). A discriminator with a regression head C_ψ and a denoising
/// decoder head D_den (SIDDM, arXiv 2306.12511 §3.2–3.3) is one backbone with two heads; a UNet serves a dense head
/// from its decoder and a pooled head from its pooled bottleneck. Whether a loss on a head also trains the shared trunk
/// is chosen per pass by the loss term (<see cref="Backbone.ForwardHeads"/>'s <c>detachTrunk</c>), not fixed here.
/// </summary>
/// <param name="Name">Key of the head's output; lower-case, unique within a request, never <see cref="Main"/>.</param>
/// <param name="Channels">Output channels (dense) or features (pooled).</param>
/// <param name="Output">Dense: the input's spatial shape; Pooled: one vector per sample.</param>
public sealed record BackboneHead(string Name, int Channels, BackboneOutput Output = BackboneOutput.Dense)
{
    /// <summary>Key of the main output (<see cref="BackboneRequest.OutChannels"/>) in <see cref="Backbone.ForwardHeads"/>.</summary>
    public const string Main = "main";
}
