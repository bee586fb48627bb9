using Microsoft.Extensions.DependencyInjection;
using Research.Core.Adversarial;
using Research.Core.Registry;

namespace Research.Parameterizations.Ddgan;

/// <summary>Registers the DDGAN family under the permanent key <c>ddgan</c>.</summary>
public static class DdganRegistration
{
    /// <summary>Adds parameterization <c>ddgan</c> (networks <c>generator</c> and <c>discriminator</c>; sampled with G's EMA).</summary>
    public static IServiceCollection AddDdgan(this IServiceCollection services) =>
        services.AddParameterization<DdganOptions>("ddgan",
            "Denoising diffusion GAN: G(x_t, z, t) → x̂₀, posterior step, pair discriminator, R1; NFE = T (arXiv 2112.07804)",
            networks: ["generator", "discriminator"], emaNetworks: ["generator"],
            (options, context) => new DdganParameterization(options, context),
            new FamilyRules<DdganOptions>
            {
                Sampling = (o, request, facts) => GanChainSampler.SamplingProblems("ddgan", o.IsAugmentation ? 1 : facts.NumTimesteps, request),
            });
}
