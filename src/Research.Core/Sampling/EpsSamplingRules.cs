using Research.Core.Experiments;
using Research.Core.Parameterizations;

namespace Research.Core.Sampling;

/// <summary>
/// What a sampling request must and must not ask of an ε-family sampled by <see cref="EpsSampler"/>, checked at
/// validation so that a run never trains and then fails (or silently ignores a setting) at its first evaluation.
/// Messages start with the request's key.
/// </summary>
public static class EpsSamplingRules
{
    /// <summary>The problems of <paramref name="request"/> for an ε-model.</summary>
    /// <param name="family">The family's key, for messages.</param>
    /// <param name="request">The request.</param>
    /// <param name="classConditional">The ε-model takes the class (labels are required).</param>
    /// <param name="hasClassifier">The family guides with its own classifier (<c>guidance_scale</c> is meaningful; labels name
    /// its target, and at s = 0 give the unguided baseline of the guided accuracy).</param>
    /// <param name="learnsSigma">The ε-model outputs the learned variance's v (<c>variance: learned</c> is possible).</param>
    public static IEnumerable<string> Check(string family, SamplingOptions request, bool classConditional, bool hasClassifier,
        bool learnsSigma = false)
    {
        bool hasLabels = request.Labels.Length > 0;
        if (request.SamplerKind == SamplerKind.Ancestral && request.Eta != 0)
            yield return $"eta: {request.Eta} does nothing with the ancestral sampler (η belongs to DDIM: set sampler \"ddim\" or remove eta)";
        if (request.ReverseVariance is { } variance)
        {
            if (request.SamplerKind == SamplerKind.Ddim)
                yield return $"variance: '{request.Variance}' does nothing with the DDIM sampler, which ignores Σ (remove variance, or use the ancestral sampler)";
            else if (variance == ReverseVariance.Learned && !learnsSigma)
                yield return LearnedWithoutSigma(family, request.Variance);
        }
        if (!hasClassifier && request.GuidanceScale != 0)
            yield return $"guidance_scale: {family} has no classifier to guide with, so it would do nothing (remove it, or use classifier-guided)";
        if (classConditional && !hasLabels)
            yield return "labels: a class-conditional model needs labels in the sampling request ('cycle' or a class index)";
        else if (hasClassifier && request.GuidanceScale != 0 && !hasLabels)
            yield return $"labels: guided sampling (guidance_scale {request.GuidanceScale}) needs target labels ('cycle' or a class index)";
        else if (!classConditional && !hasClassifier && hasLabels)
            yield return $"labels: this {family} model is not class-conditional, so labels would do nothing " +
                         "(remove them, or set parameterization.options.class_conditional)";
    }

    /// <summary>
    /// The problems of an ε-family's option <c>variance</c> (the default of its sampling requests), for its options'
    /// <c>Validate</c>: a name outside <c>auto</c>, fixed-large, fixed-small, learned, or <c>learned</c> on a model that does not
    /// learn Σ. Messages start with <c>variance</c>.
    /// </summary>
    public static IEnumerable<string> CheckFamilyVariance(string family, string variance, bool learnsSigma)
    {
        if (!ReverseVarianceNames.IsFamilyDefault(variance))
            yield return $"variance: '{variance}' is not one of {ReverseVarianceNames.Auto}, {ReverseVarianceNames.Choices}";
        else if (ReverseVarianceNames.Parse(variance) == ReverseVariance.Learned && !learnsSigma)
            yield return LearnedWithoutSigma(family, variance);
    }

    private static string LearnedWithoutSigma(string family, string variance) =>
        $"variance: '{variance}' needs a model trained with learned variance, and this {family} model was not " +
        "(parameterization.options.learn_sigma is false; use fixed-large or fixed-small, or train with learn_sigma: true)";
}
