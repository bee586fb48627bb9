using Microsoft.Extensions.DependencyInjection;
using Research.Core.Registry;

namespace Research.Models.Gan;

/// <summary>Registers DDGAN's convolutional discriminator under the permanent key <c>ddgan-discriminator</c>.</summary>
public static class DdganDiscriminatorRegistration
{
    /// <summary>Adds backbone <c>ddgan-discriminator</c> (pooled requests only; pick it per role with <c>backbone.roles.discriminator.type</c>).</summary>
    public static IServiceCollection AddDdganDiscriminatorBackbone(this IServiceCollection services) =>
        services.AddBackbone<DdganDiscriminatorOptions>("ddgan-discriminator",
            "DDGAN's time-conditional discriminator (official Discriminator_small): LReLU residual down-blocks with FIR downsampling, minibatch stddev, sum pooling; no normalisation (arXiv 2112.07804); pooled requests only",
            (o, request) => new DdganDiscriminator(o, request));
}
