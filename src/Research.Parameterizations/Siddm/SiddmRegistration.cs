using Microsoft.Extensions.DependencyInjection;
using Research.Core.Adversarial;
using Research.Core.Registry;

namespace Research.Parameterizations.Siddm;

/// <summary>Registers the SIDDM family under the permanent key <c>siddm</c>.</summary>
public static class SiddmRegistration
{
    /// <summary>Adds parameterization <c>siddm</c> (networks <c>generator</c> and <c>discriminator</c>; sampled with G's EMA).</summary>
    public static IServiceCollection AddSiddm(this IServiceCollection services) =>
        services.AddParameterization<SiddmOptions>("siddm",
            "Semi-implicit DDM: marginal D(x_{t−1}, t) + auxiliary forward-diffusion KL with a regression head; NFE = T (arXiv 2306.12511)",
            networks: ["generator", "discriminator"], emaNetworks: ["generator"],
            (options, context) => new SiddmParameterization(options, context),
            new FamilyRules<SiddmOptions> { Sampling = (_, request, facts) => GanChainSampler.SamplingProblems("siddm", facts.NumTimesteps, request) });
}
