using System.Globalization;
using Research.Core.Registry;

namespace Research.Core.Configuration;

/// <summary>
/// Expands an experiment file's <c>sweep</c> section (<c>grid</c>, <c>zip</c>, <c>seeds</c>) combined with its
/// <c>variants</c> into one resolved run per point, reusing the loader's layering: presets, file, the
/// variant's <c>set</c>, <c>--set</c>, then the point's values as one more layer (arrays replace whole).
/// Every point is bound and validated before any runs; all errors are thrown together, naming the point.
/// </summary>
/// <remarks>GitHub issue #7 (sweeps declared in the experiment file).</remarks>
public static class SweepLoader
{
    /// <summary>Loads and expands <paramref name="path"/>.</summary>
    /// <param name="path">The experiment file.</param>
    /// <param name="setOverrides"><c>key=value</c> overrides applied to every point (a swept key still wins).</param>
    /// <param name="registry">The registered components.</param>
    /// <param name="onlyVariants">Variants to expand (<c>--variant</c>); empty or null: all. The points of the others are neither
    /// bound nor listed, so a sweep folder filled with a subset can later be completed by a run without the filter.</param>
    /// <exception cref="ConfigException">With every error of every point, including a requested variant the file does not have.</exception>
    public static SweepPlan Load(string path, IReadOnlyList<string> setOverrides, ComponentRegistry registry,
        IReadOnlyCollection<string>? onlyVariants = null)
    {
        var file = Path.GetFullPath(path);
        var errors = new List<ConfigError>();
        var root = ExtendsChain.Load(file, errors);
        var overrides = SetOverrideParser.Parse(setOverrides, errors);
        if (errors.Count > 0 || root is null) throw new ConfigException(errors);

        var merged = new MergedConfig(root);
        merged.Apply(overrides, errors);
        var sweep = SweepExpander.Extract(merged, file, errors);
        var variants = VariantExpander.Extract(merged, file, errors);
        if (onlyVariants is { Count: > 0 } && errors.Count == 0)
        {
            errors.AddRange(LoadedExperiment.UnknownVariants(file, variants.Select(v => v.Name).ToList(), onlyVariants));
            variants = variants.Where(v => onlyVariants.Contains(v.Name, StringComparer.Ordinal)).ToList();
        }
        if (errors.Count > 0) throw new ConfigException(errors.Distinct().ToList());
        sweep ??= new SweepSection(null, [], [], new Dictionary<string, string>());
        var name = sweep.Name ?? (merged.Root.Child("name") is { Kind: ConfigKind.String or ConfigKind.Text } n ? n.Text : null)
            ?? Path.GetFileNameWithoutExtension(file);
        var runOverrides = overrides.Where(a => a.TopKey is not ("variants" or SweepExpander.Key)).ToList();

        var points = new List<SweepPoint>();
        var perPoint = new List<(string Label, List<ConfigError> Errors)>();
        var variantList = variants.Count == 0 ? [null] : variants.Cast<VariantLayer?>().ToList();
        foreach (var v in variantList)
            foreach (var combo in Combinations(sweep))
            {
                var label = Describe(v, combo.Values, combo.Seed);
                var run = merged.Clone();
                v?.ApplyTo(run);
                var problems = new List<ConfigError>();
                run.Apply(runOverrides, problems);
                var origin = new KeyOrigin(file, $"sweep[{label}]: ");
                run.Apply(combo.Assignments.Select(a => a with { Value = a.Value.WithOrigin(origin) }), problems);
                var (options, bindProblems) = RunBinder.Bind(run, file, registry);
                problems.AddRange(bindProblems);
                perPoint.Add((label, problems));
                if (v is not null) options.Name = $"{options.Name}-{v.Name}";
                var json = problems.Count == 0 ? ExperimentJson.Serialize(options) : "";
                var resolved = new ResolvedRun(options.Name, v?.Name, options, json) { KeySources = ExperimentLoader.Sources(run, problems) };
                points.Add(new SweepPoint(PointId(v, combo.Values, combo.Seed, sweep), combo.Values, options.Seed, resolved));
            }
        foreach (var error in perPoint.SelectMany(p => p.Errors).Distinct())
        {
            var inPoints = perPoint.Where(p => p.Errors.Contains(error)).Select(p => p.Label).ToList();
            errors.Add(inPoints.Count < perPoint.Count && !error.Path.StartsWith("sweep[", StringComparison.Ordinal)
                ? error with { Path = $"sweep[{inPoints[0]}]: {error.Path}", Message = inPoints.Count > 1 ? $"{error.Message} (and {inPoints.Count - 1} more points)" : error.Message }
                : error);
        }
        var dupId = points.GroupBy(p => p.Id).FirstOrDefault(g => g.Count() > 1);
        if (dupId is not null) errors.Add(new ConfigError(file, "sweep", $"two points share the id '{dupId.Key}' (add sweep.labels)"));
        if (errors.Count > 0) throw new ConfigException(errors.Distinct().ToList());
        var keys = sweep.Dimensions.SelectMany(d => d.Keys).ToList();
        return new SweepPlan(file, name, keys, variants.Count > 0, sweep.Seeds.Count > 0, points);
    }

    private sealed record Combination(List<KeyValuePair<string, string>> Values, List<ConfigAssignment> Assignments, long? Seed);

    private static IEnumerable<Combination> Combinations(SweepSection sweep)
    {
        IEnumerable<Combination> combos = [new([], [], null)];
        foreach (var dim in sweep.Dimensions)
            combos = combos.SelectMany(c => dim.Values.Select(row => Extend(c, dim.Keys, row))).ToList();
        if (sweep.Seeds.Count > 0)
            combos = combos.SelectMany(c => sweep.Seeds.Select(s => c with
            {
                Assignments = [.. c.Assignments, new ConfigAssignment("seed", [new ConfigPath.Segment("seed", -1)], ConfigNode.Integer(s, new KeyOrigin("")))],
                Seed = s,
            })).ToList();
        return combos;
    }

    private static Combination Extend(Combination c, IReadOnlyList<string> keys, IReadOnlyList<SweepValue> row)
    {
        var values = new List<KeyValuePair<string, string>>(c.Values);
        var assignments = new List<ConfigAssignment>(c.Assignments);
        for (var k = 0; k < keys.Count; k++)
        {
            values.Add(new(keys[k], row[k].Display));
            assignments.Add(new ConfigAssignment(keys[k], row[k].Segments, row[k].Value));
        }
        return new Combination(values, assignments, c.Seed);
    }

    private static string Describe(VariantLayer? v, List<KeyValuePair<string, string>> values, long? seed) =>
        string.Join(",", (v is null ? [] : new[] { $"variant={v.Name}" })
            .Concat(values.Select(kv => $"{kv.Key}={kv.Value}"))
            .Concat(seed is null ? [] : [$"seed={seed.Value.ToString(CultureInfo.InvariantCulture)}"]));

    private static string PointId(VariantLayer? v, List<KeyValuePair<string, string>> values, long? seed, SweepSection sweep)
    {
        var parts = new List<string>();
        if (v is not null) parts.Add(v.Name);
        foreach (var (key, value) in values)
        {
            var label = sweep.Labels.GetValueOrDefault(key) ?? ConfigPath.Parse(key)!.Last(s => s.Name is not null).Name;
            parts.Add($"{label}={new string(value.Select(c => SweepExpander.IsIdChar(c) ? c : '-').ToArray())}");
        }
        if (seed is not null) parts.Add(SweepPointIds.SeedPart(seed.Value));
        return SweepPointIds.Join(parts);
    }
}
