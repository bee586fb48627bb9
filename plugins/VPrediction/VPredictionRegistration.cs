using Microsoft.Extensions.DependencyInjection;
using Research.Core.Registry;
using Research.Core.Sampling;

namespace Research.Plugins.VPrediction;

/// <summary>Registers the v-prediction family under the permanent key <c>v-prediction</c>.</summary>
public static class VPredictionRegistration
{
    /// <summary>Adds parameterization <c>v-prediction</c> (network <c>denoiser</c>, sampled with its EMA).</summary>
    public static IServiceCollection AddVPrediction(this IServiceCollection services) =>
        services.AddParameterization<VPredictionOptions>("v-prediction",
            "v-prediction (v = √ᾱ ε − √(1−ᾱ) x₀), sampled through the shared ε-sampler (arXiv 2202.00512); external plugin",
            networks: ["denoiser"], emaNetworks: ["denoiser"],
            (options, context) => new VPredictionParameterization(options, context),
            new FamilyRules<VPredictionOptions>
            {
                Sampling = (_, request, _) => EpsSamplingRules.Check("v-prediction", request, classConditional: false, hasClassifier: false),
            });
}
