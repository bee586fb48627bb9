namespace Research.Core.Configuration;

/// <summary>An experiment file after layering, binding and validation: one resolved run per variant.</summary>
/// <param name="SourcePath">Full path of the experiment file that was loaded.</param>
/// <param name="Runs">One run per entry of <c>variants</c>, in file order, or a single run when there are none.</param>
public sealed record LoadedExperiment(string SourcePath, IReadOnlyList<ResolvedRun> Runs)
{
    /// <summary>
    /// The experiment restricted to the named variants (file order kept); all of it when <paramref name="variants"/>
    /// is empty.
    /// </summary>
    /// <exception cref="ConfigException">A name that is not a variant of the file (the error lists the variants).</exception>
    public LoadedExperiment Only(IReadOnlyCollection<string> variants)
    {
        if (variants.Count == 0) return this;
        var known = Runs.Where(r => r.Variant is not null).Select(r => r.Variant!).ToList();
        var unknown = UnknownVariants(SourcePath, known, variants);
        if (unknown.Count > 0) throw new ConfigException(unknown);
        return this with { Runs = Runs.Where(r => variants.Contains(r.Variant!, StringComparer.Ordinal)).ToList() };
    }

    /// <summary>One error per requested name that is not among <paramref name="known"/> (the file's variants, in order).</summary>
    internal static List<ConfigError> UnknownVariants(string source, IReadOnlyList<string> known, IEnumerable<string> requested) =>
        requested.Where(v => !known.Contains(v, StringComparer.Ordinal)).Select(v => new ConfigError(source, "variants",
            known.Count == 0 ? $"--variant '{v}': this experiment has no variants"
                : $"--variant '{v}': no such variant{ConfigKeys.DidYouMean(v, known)} (variants: {string.Join(", ", known)})")).ToList();
}
