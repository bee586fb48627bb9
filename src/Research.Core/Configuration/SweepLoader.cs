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
    /// <exception cref="ConfigException">With every error of every point.</exception>
    public static SweepPlan Load(string path, IReadOnlyList<string> setOverrides, ComponentRegistry registry)
    {
        var file = Path.GetFullPath(path);
        var errors = new List<ConfigError>();
        var layers = ExtendsChain.Load(file, errors);
        var overrides = SetOverrideParser.Parse(setOverrides, errors);
        if (errors.Count > 0) throw new ConfigException(errors);

        var merged = new MergedConfig();
        foreach (var layer in layers) merged.Apply(layer);
        merged.Apply(overrides);
        var sweep = SweepExpander.Extract(merged, file, errors);
        var variants = VariantExpander.Extract(merged, file, errors);
        if (errors.Count > 0) throw new ConfigException(errors.Distinct().ToList());
        sweep ??= new SweepSection(null, [], [], new Dictionary<string, string>());
        var name = sweep.Name ?? merged.Entries.GetValueOrDefault("name").Value ?? Path.GetFileNameWithoutExtension(file);

        var points = new List<SweepPoint>();
        var perPoint = new List<(string Label, List<ConfigError> Errors)>();
        var variantList = variants.Count == 0 ? [null] : variants.Cast<VariantLayer?>().ToList();
        foreach (var v in variantList)
            foreach (var combo in Combinations(sweep))
            {
                var label = Describe(v, combo.Values, combo.Seed);
                var run = merged.Clone();
                if (v is not null) v.ApplyTo(run);
                run.Apply(overrides.Without("variants").Without(SweepExpander.Key));
                run.Apply(ConfigLayer.FromEntries(combo.Entries.ToDictionary(kv => kv.Key,
                    kv => new ConfigEntry(kv.Value, new KeyOrigin(file, $"sweep[{label}]: ")), StringComparer.Ordinal)));
                var (options, problems) = RunBinder.Bind(run, file, registry);
                perPoint.Add((label, problems));
                if (v is not null) options.Name = $"{options.Name}-{v.Variant.Name}";
                var json = problems.Count == 0 ? ExperimentJson.Serialize(options) : "";
                var resolved = new ResolvedRun(options.Name, v?.Variant.Name, options, json) { KeySources = run.Sources() };
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

    private sealed record Combination(List<KeyValuePair<string, string>> Values, Dictionary<string, string?> Entries, long? Seed);

    private static IEnumerable<Combination> Combinations(SweepSection sweep)
    {
        IEnumerable<Combination> combos = [new([], new(StringComparer.Ordinal), null)];
        foreach (var dim in sweep.Dimensions)
            combos = combos.SelectMany(c => dim.Values.Select(row => Extend(c, dim.Keys, row))).ToList();
        if (sweep.Seeds.Count > 0)
            combos = combos.SelectMany(c => sweep.Seeds.Select(s =>
            {
                var entries = new Dictionary<string, string?>(c.Entries, StringComparer.Ordinal) { ["seed"] = s.ToString(CultureInfo.InvariantCulture) };
                return c with { Entries = entries, Seed = s };
            })).ToList();
        return combos;
    }

    private static Combination Extend(Combination c, IReadOnlyList<string> keys, IReadOnlyList<SweepValue> row)
    {
        var values = new List<KeyValuePair<string, string>>(c.Values);
        var entries = new Dictionary<string, string?>(c.Entries, StringComparer.Ordinal);
        for (var k = 0; k < keys.Count; k++)
        {
            values.Add(new(keys[k], row[k].Display));
            foreach (var (key, value) in row[k].Entries) entries[key] = value;
        }
        return new Combination(values, entries, c.Seed);
    }

    private static string Describe(VariantLayer? v, List<KeyValuePair<string, string>> values, long? seed) =>
        string.Join(",", (v is null ? [] : new[] { $"variant={v.Variant.Name}" })
            .Concat(values.Select(kv => $"{kv.Key}={kv.Value}"))
            .Concat(seed is null ? [] : [$"seed={seed.Value.ToString(CultureInfo.InvariantCulture)}"]));

    private static string PointId(VariantLayer? v, List<KeyValuePair<string, string>> values, long? seed, SweepSection sweep)
    {
        var parts = new List<string>();
        if (v is not null) parts.Add(v.Variant.Name);
        foreach (var (key, value) in values)
        {
            var label = sweep.Labels.GetValueOrDefault(key) ?? ConfigKeys.ToConfigKey(key).Split(':').Last(s => !ConfigKeys.IsIndex(s));
            parts.Add($"{label}={new string(value.Select(c => SweepExpander.IsIdChar(c) ? c : '-').ToArray())}");
        }
        if (seed is not null) parts.Add($"seed={seed.Value.ToString(CultureInfo.InvariantCulture)}");
        return parts.Count == 0 ? "base" : string.Join("_", parts);
    }
}
