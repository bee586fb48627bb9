using Microsoft.Extensions.DependencyInjection;
using Research.Core.Registry;

namespace Research.Parameterizations.ClassifierGuided;

/// <summary>Registers classifier guidance under the permanent key <c>classifier-guided</c>.</summary>
public static class ClassifierGuidedRegistration
{
    /// <summary>Adds parameterization <c>classifier-guided</c> (networks <c>denoiser</c> and <c>classifier</c>).</summary>
    public static IServiceCollection AddClassifierGuided(this IServiceCollection services) =>
        services.AddParameterization<ClassifierGuidedOptions>("classifier-guided",
            "ε-model + noisy classifier p(y|x_t,t); guided ancestral/DDIM sampling with the scale chosen at sampling time (arXiv 2105.05233)",
            networks: ["denoiser", "classifier"], emaNetworks: ["denoiser"],
            (options, context) => new ClassifierGuidedParameterization(options, context));
}
