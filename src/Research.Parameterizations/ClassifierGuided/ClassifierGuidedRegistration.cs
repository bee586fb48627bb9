using Microsoft.Extensions.DependencyInjection;
using Research.Core.Registry;
using Research.Core.Sampling;

namespace Research.Parameterizations.ClassifierGuided;

/// <summary>Registers classifier guidance under the permanent key <c>classifier-guided</c>.</summary>
public static class ClassifierGuidedRegistration
{
    /// <summary>Adds parameterization <c>classifier-guided</c> (networks <c>denoiser</c> and <c>classifier</c>).</summary>
    public static IServiceCollection AddClassifierGuided(this IServiceCollection services) =>
        services.AddParameterization<ClassifierGuidedOptions>("classifier-guided",
            "ε-model + noisy classifier p(y|x_t,t); guided ancestral/DDIM sampling with the scale chosen at sampling time (arXiv 2105.05233)",
            networks: ["denoiser", "classifier"], emaNetworks: ["denoiser"],
            (options, context) => new ClassifierGuidedParameterization(options, context),
            new FamilyRules<ClassifierGuidedOptions> { Run = RunProblems, Sampling = (o, request, _) =>
                EpsSamplingRules.Check("classifier-guided", request, o.ClassConditional, hasClassifier: true, learnsSigma: o.LearnSigma) });

    // What the constructor refuses, found before any tensor exists.
    private static IEnumerable<string> RunProblems(ClassifierGuidedOptions o, RunFacts facts)
    {
        if (facts.Data.NumClasses is { } classes && classes < 2)
            yield return $"parameterization.type: classifier-guided needs labelled data with at least 2 classes ('{facts.DataType}' has {classes})";
        if (!o.TrainDenoiser && !facts.InitializedNetworks.Contains("denoiser"))
            yield return "parameterization.options.train_denoiser: train_denoiser is false but training.init has no 'denoiser' entry, so the ε-model would keep " +
                         "its random weights; point training.init.denoiser.path at a trained ε-model's checkpoint";
    }
}
