using Research.Core.Backbones;
using Research.Core.Configuration;
using Research.Core.Registry;

namespace Research.Training.Loop;

/// <summary>
/// Builds the experiment's configured backbone (<c>backbone.type</c> + options) for any request, with the options of
/// <c>backbone.roles.&lt;request role&gt;</c> where the experiment sets them, as the role's own <c>type</c> where it names one.
/// </summary>
public sealed class BackboneFactory(ComponentRegistry registry, ComponentSpec spec) : IBackboneFactory
{
    /// <inheritdoc />
    public Backbone Create(BackboneRequest request) =>
        registry.Create<Backbone>(ComponentKind.Backbone, spec.TypeFor(request.Role), spec.OptionsFor(request.Role), request);
}
