using Research.Core.Experiments;

namespace Research.Core.Registry;

/// <summary>
/// A family's checks of a run before any tensor exists (passed to <see cref="RegistrationExtensions.AddParameterization{TOptions}"/>):
/// what its constructor and its <c>Sample</c> would refuse, found at <c>research validate</c> instead of after training.
/// </summary>
/// <typeparam name="TOptions">The family's options type.</typeparam>
public sealed class FamilyRules<TOptions>
{
    /// <summary>
    /// Problems of the family with this data and training set-up; each message starts with the JSON path from the root it
    /// is about, e.g. <c>"parameterization.options.class_conditional: needs labelled data …"</c>.
    /// </summary>
    public Func<TOptions, RunFacts, IEnumerable<string>>? Run { get; init; }

    /// <summary>
    /// Problems of one sampling request; each message starts with the request's key it is about, e.g.
    /// <c>"labels: a class-conditional model needs labels …"</c> (reported at <c>sampling[i].labels</c>).
    /// </summary>
    public Func<TOptions, SamplingOptions, RunFacts, IEnumerable<string>>? Sampling { get; init; }
}
