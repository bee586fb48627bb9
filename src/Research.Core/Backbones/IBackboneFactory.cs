namespace Research.Core.Backbones;

/// <summary>Builds the experiment's configured backbone for a family's request.</summary>
public interface IBackboneFactory
{
    /// <summary>A new network for <paramref name="request"/>, on the CPU; the caller moves and owns it.</summary>
    Backbone Create(BackboneRequest request);
}
