namespace Research.Core.Sampling;

/// <summary>
/// The configuration names of <see cref="ReverseVariance"/> (<c>fixed-large</c>, <c>fixed-small</c>, <c>learned</c>) and the
/// family default <c>auto</c>: learned when the model learns Σ, else fixed-large.
/// </summary>
public static class ReverseVarianceNames
{
    /// <summary><see cref="ReverseVariance.FixedLarge"/>.</summary>
    public const string FixedLarge = "fixed-large";
    /// <summary><see cref="ReverseVariance.FixedSmall"/>.</summary>
    public const string FixedSmall = "fixed-small";
    /// <summary><see cref="ReverseVariance.Learned"/>.</summary>
    public const string Learned = "learned";
    /// <summary>A family's default: <see cref="Learned"/> when the model learns Σ, else <see cref="FixedLarge"/>.</summary>
    public const string Auto = "auto";

    /// <summary>The three variances, for messages.</summary>
    public const string Choices = "fixed-large, fixed-small, learned";

    /// <summary>The variance a name selects; <c>null</c> for <see cref="Auto"/>, an empty or an unknown name.</summary>
    public static ReverseVariance? Parse(string name) => name switch
    {
        FixedLarge => ReverseVariance.FixedLarge,
        FixedSmall => ReverseVariance.FixedSmall,
        Learned => ReverseVariance.Learned,
        _ => null,
    };

    /// <summary>Whether <paramref name="name"/> is one of the three variances or <see cref="Auto"/>.</summary>
    public static bool IsFamilyDefault(string name) => name == Auto || Parse(name) is not null;

    /// <summary>
    /// The variance a family samples with: the request's if it names one, else the family's option
    /// (<see cref="Auto"/>: learned when <paramref name="learnsSigma"/>, else fixed-large).
    /// </summary>
    /// <exception cref="ArgumentException">Learned variance asked of a model that does not learn it.</exception>
    public static ReverseVariance Resolve(ReverseVariance? requested, string familyDefault, bool learnsSigma)
    {
        var variance = requested ?? Parse(familyDefault)
            ?? (learnsSigma ? ReverseVariance.Learned : ReverseVariance.FixedLarge);
        if (variance == ReverseVariance.Learned && !learnsSigma)
            throw new ArgumentException("variance: 'learned' needs a model trained with learned variance (learn_sigma); this one was not");
        return variance;
    }
}
