using Microsoft.Extensions.DependencyInjection;
using Research.Core.Registry;
using Research.Core.Sampling;

namespace Research.Parameterizations.Ddpm;

/// <summary>Registers the DDPM family under the permanent key <c>ddpm-eps</c>.</summary>
public static class DdpmRegistration
{
    /// <summary>Adds parameterization <c>ddpm-eps</c> (network <c>denoiser</c>, sampled with its EMA).</summary>
    public static IServiceCollection AddDdpm(this IServiceCollection services) =>
        services.AddParameterization<DdpmOptions>("ddpm-eps",
            "DDPM, ε-prediction with L_simple (learn_sigma: learned Σ with L_hybrid, arXiv 2102.09672); ancestral or DDIM sampling on any respacing (arXiv 2006.11239)",
            networks: ["denoiser"], emaNetworks: ["denoiser"],
            (options, context) => new DdpmParameterization(options, context),
            new FamilyRules<DdpmOptions>
            {
                Run = (o, facts) => o.ClassConditional && facts.Data.NumClasses == 0
                    ? [$"parameterization.options.class_conditional: needs labelled data, but '{facts.DataType}' has no classes"]
                    : [],
                Sampling = (o, request, _) => EpsSamplingRules.Check("ddpm-eps", request, o.ClassConditional, hasClassifier: false, learnsSigma: o.LearnSigma),
            });
}
