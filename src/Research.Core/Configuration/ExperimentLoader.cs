using Research.Core.Experiments;
using Research.Core.Registry;

namespace Research.Core.Configuration;

/// <summary>
/// Loads an experiment file strictly: its <c>extends</c> presets, the file, then <c>--set</c> overrides,
/// layered as one JSON tree (<see cref="MergedConfig"/>: objects merge, arrays replace whole); bound with snake_case keys
/// (unknown keys are errors); validated; expanded into one run per variant. Every problem is collected
/// and thrown together as a <see cref="ConfigException"/>, before any tensor exists.
/// </summary>
/// <remarks>
/// Layer order for a variant run: presets, file, the variant's own presets (<c>extends</c>), its <c>set</c>, then <c>--set</c> (so a
/// command-line override applies to every variant). Strict config saved with the run, after nanoGPT's
/// <c>configurator.py</c>.
/// </remarks>
public static class ExperimentLoader
{
    /// <summary>Loads, merges, binds and validates <paramref name="path"/>.</summary>
    /// <param name="path">The experiment file.</param>
    /// <param name="setOverrides"><c>key=value</c> pairs, e.g. <c>training.steps=100</c>, <c>sampling[0].steps=ddim50</c>.</param>
    /// <param name="registry">The registered parameterizations, backbones and datasets.</param>
    /// <param name="onlyVariants">Variants to load (<c>--variant</c>); empty or null: all. The others are neither bound nor
    /// validated, so an override that only the chosen variants accept (e.g. a DDGAN option) is not an error in the rest.</param>
    /// <exception cref="ConfigException">With every error found, including a requested variant the file does not have.</exception>
    public static LoadedExperiment Load(string path, IReadOnlyList<string> setOverrides, ComponentRegistry registry,
        IReadOnlyCollection<string>? onlyVariants = null)
    {
        var file = Path.GetFullPath(path);
        var errors = new List<ConfigError>();
        var root = ExtendsChain.Load(file, errors);
        var overrides = SetOverrideParser.Parse(setOverrides, errors);
        // A file that could not be read leaves its keys out; binding the rest would only add misleading errors.
        if (errors.Count > 0 || root is null) throw new ConfigException(errors);

        var merged = new MergedConfig(root);
        merged.Apply(overrides, errors);
        var variants = VariantExpander.Extract(merged, file, errors);
        if (onlyVariants is { Count: > 0 } && errors.Count == 0)
        {
            errors.AddRange(LoadedExperiment.UnknownVariants(file, variants.Select(v => v.Name).ToList(), onlyVariants));
            if (errors.Count > 0) throw new ConfigException(errors);
            variants = variants.Where(v => onlyVariants.Contains(v.Name, StringComparer.Ordinal)).ToList();
        }
        // A sweep is expanded by SweepLoader ('research sweep'); loaded as one experiment, the file is its base point.
        merged.Take(SweepExpander.Key);
        var variantOverrides = overrides.Where(a => a.TopKey is not ("variants" or SweepExpander.Key)).ToList();

        var runs = new List<ResolvedRun>();
        var perRun = new List<(string? Variant, List<ConfigError> Errors)>();
        if (variants.Count == 0 && errors.Count == 0)
        {
            var (options, problems) = RunBinder.Bind(merged, file, registry);
            perRun.Add((null, problems));
            runs.Add(new ResolvedRun(options.Name, null, options, Serialize(options, problems)) { KeySources = Sources(merged, problems) });
        }
        foreach (var v in variants)
        {
            var run = merged.Clone();
            v.ApplyTo(run);
            var problems = new List<ConfigError>();
            run.Apply(variantOverrides, problems);
            var (options, bindProblems) = RunBinder.Bind(run, file, registry);
            problems.AddRange(bindProblems);
            perRun.Add((v.Name, problems));
            options.Name = $"{options.Name}-{v.Name}";
            runs.Add(new ResolvedRun(options.Name, v.Name, options, Serialize(options, problems)) { KeySources = Sources(run, problems) });
        }
        errors.AddRange(MergeRunErrors(perRun));
        if (errors.Count > 0) throw new ConfigException(errors.Distinct().ToList());
        return new LoadedExperiment(file, runs);
    }

    /// <summary>
    /// Reads a resolved configuration (<see cref="ResolvedRun.ResolvedJson"/>, e.g. embedded in a checkpoint):
    /// the same strict binding and validation, with no presets, overrides or variants.
    /// </summary>
    /// <param name="json">The resolved JSON.</param>
    /// <param name="registry">The registered components.</param>
    /// <param name="source">Names the document in errors.</param>
    /// <exception cref="ConfigException">With every error found.</exception>
    public static ExperimentOptions LoadResolved(string json, ComponentRegistry registry, string source = "resolved.json")
    {
        var errors = new List<ConfigError>();
        var root = JsonLayerReader.ReadString(json, source, errors);
        if (root is null) throw new ConfigException(errors);
        foreach (var (target, keyPath) in ExtendsChain.Targets(root.Child("extends"), source, "extends", errors))
            errors.Add(new ConfigError(source, keyPath, $"a resolved configuration cannot extend '{target}'"));
        var merged = new MergedConfig(root.Without("extends"));
        if (VariantExpander.Extract(merged, source, errors).Count > 0)
            errors.Add(new ConfigError(source, "variants", "a resolved configuration is one run; variants must be empty"));
        var (options, problems) = RunBinder.Bind(merged, source, registry);
        errors.AddRange(problems);
        if (errors.Count > 0) throw new ConfigException(errors.Distinct().ToList());
        return options;
    }

    // Options that failed to bind are thrown away with the errors; don't serialize half-bound values.
    private static string Serialize(ExperimentOptions options, List<ConfigError> problems) =>
        problems.Count == 0 ? ExperimentJson.Serialize(options) : "";

    // A run with problems is thrown away with the errors; don't walk its tree (it may hold a huge unknown key).
    internal static IReadOnlyDictionary<string, string> Sources(MergedConfig config, List<ConfigError> problems) =>
        problems.Count == 0 ? config.Sources() : new Dictionary<string, string>();

    private static IEnumerable<ConfigError> MergeRunErrors(List<(string? Variant, List<ConfigError> Errors)> perRun)
    {
        // Base-file problems repeat in every variant: report them once. A problem only some variants have
        // names them, unless its path (variants[i].set.…) already does.
        foreach (var error in perRun.SelectMany(r => r.Errors).Distinct())
        {
            var inRuns = perRun.Where(r => r.Errors.Contains(error)).Select(r => r.Variant).ToList();
            yield return inRuns.Count < perRun.Count && !error.Path.StartsWith("variants[", StringComparison.Ordinal)
                ? error with { Message = $"{error.Message} (in variant {string.Join(", ", inRuns.Select(v => $"'{v}'"))})" }
                : error;
        }
    }
}
