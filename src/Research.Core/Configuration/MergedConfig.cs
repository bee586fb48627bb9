namespace Research.Core.Configuration;

/// <summary>
/// The layered configuration of one run: a <see cref="ConfigNode"/> tree whose nodes remember the file (or
/// <c>--set</c>) that wrote them, so every error names its source. Layers apply in order; objects merge key by key,
/// arrays and scalars replace whole; keys are case-sensitive, so a differently-cased key stays visible to the strict
/// binder as an unknown key.
/// </summary>
internal sealed class MergedConfig(ConfigNode root)
{
    /// <summary>The tree so far.</summary>
    public ConfigNode Root { get; private set; } = root;

    /// <summary>An independent copy (one per variant); nodes are immutable, so this is free.</summary>
    public MergedConfig Clone() => new(Root);

    /// <summary>Layers <paramref name="layer"/> (an object: a preset, a variant's <c>set</c>) on top.</summary>
    public void Apply(ConfigNode layer) => Root = ConfigNode.Merge(Root, layer);

    /// <summary>Layers each assignment on top (<c>--set</c>, a sweep point's values), adding an error per one that cannot apply.</summary>
    public void Apply(IEnumerable<ConfigAssignment> assignments, List<ConfigError> errors)
    {
        foreach (var a in assignments)
        {
            if (ConfigNode.Assign(Root, a.Segments, a.Value, out var problem) is { } root) Root = root;
            else errors.Add(new ConfigError(a.Value.Origin.Source, a.Value.Origin.PathPrefix + a.Path, problem!));
        }
    }

    /// <summary>Removes the top-level <paramref name="key"/> and returns what it held (null when absent).</summary>
    public ConfigNode? Take(string key)
    {
        var node = Root.Child(key);
        Root = Root.Without(key);
        return node;
    }

    /// <summary>JSON path → source of every key written (scalars, null, empty arrays and objects), for <see cref="ResolvedRun.KeySources"/>.</summary>
    public IReadOnlyDictionary<string, string> Sources() =>
        Root.Leaves().ToDictionary(l => l.Path, l => l.Node.Origin.Source, StringComparer.Ordinal);

    /// <summary>
    /// The error for a JSON path, naming the file the key came from (<paramref name="fallbackSource"/> for a key left at
    /// its default) and prefixing <c>variants[i].set.</c> when a variant's set wrote it.
    /// </summary>
    public ConfigError ErrorAt(string jsonPath, string message, string fallbackSource)
    {
        var origin = jsonPath.Length == 0 || ConfigPath.Parse(jsonPath) is not { } path ? null : Root.Find(path)?.Origin;
        return new ConfigError(origin?.Source ?? fallbackSource, (origin?.PathPrefix ?? "") + jsonPath, message);
    }
}
