using Microsoft.Extensions.DependencyInjection;
using Research.Core.Registry;

namespace Research.Models.Mlp;

/// <summary>Registers the 2-D MLP backbone under the permanent key <c>mlp</c>.</summary>
public static class MlpRegistration
{
    /// <summary>Adds backbone <c>mlp</c>.</summary>
    public static IServiceCollection AddMlpBackbone(this IServiceCollection services) =>
        services.AddBackbone<MlpOptions>("mlp", "MLP with sinusoidal time embedding (2-D data); optional class and latent inputs",
            (o, request) => new MlpBackbone(o, request),
            (_, facts) => facts.Data.SampleShape is { Length: not 1 }
                ? [$"backbone.type: 'mlp' takes vectors such as 2-D points, but '{facts.DataType}' gives samples of shape {facts.Data.ShapeText} (use unet)"]
                : []);
}
