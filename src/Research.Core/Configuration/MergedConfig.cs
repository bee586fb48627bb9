namespace Research.Core.Configuration;

/// <summary>
/// The flattened result of applying layers in order, with the origin of every key. Objects merge key by
/// key; an array or a scalar written by a later layer replaces the earlier subtree whole (guarding the
/// stock provider's merge-by-index); keys are compared ordinally, so a differently-cased key stays
/// visible to the strict binder as an unknown key.
/// </summary>
internal sealed class MergedConfig
{
    private readonly Dictionary<string, ConfigEntry> _entries;
    private int _layer;

    public MergedConfig() : this(new Dictionary<string, ConfigEntry>(StringComparer.Ordinal), 0) { }

    private MergedConfig(Dictionary<string, ConfigEntry> entries, int layer)
    {
        _entries = entries;
        _layer = layer;
    }

    /// <summary>Configuration key → value and origin.</summary>
    public IReadOnlyDictionary<string, ConfigEntry> Entries => _entries;

    /// <summary>JSON path → source of every key, for <see cref="ResolvedRun.KeySources"/>.</summary>
    public IReadOnlyDictionary<string, string> Sources() => _entries
        .OrderBy(kv => kv.Key, StringComparer.Ordinal)
        .ToDictionary(kv => ConfigKeys.ToJsonPath(kv.Key), kv => kv.Value.Origin.Source, StringComparer.Ordinal);

    /// <summary>An independent copy (one per variant).</summary>
    public MergedConfig Clone() => new(new Dictionary<string, ConfigEntry>(_entries, StringComparer.Ordinal), _layer);

    /// <summary>Layers <paramref name="layer"/> on top.</summary>
    public void Apply(ConfigLayer layer)
    {
        _layer++;
        // A component whose `type` changes drops the options written for the old type (a variant that
        // switches ddpm-eps → ddgan must not inherit ddpm-eps options).
        foreach (var (key, entry) in layer.Entries)
            if (key.EndsWith(":type", StringComparison.Ordinal) && _entries.TryGetValue(key, out var old) && old.Value != entry.Value)
                RemoveSubtree(key[..^"type".Length] + "options", includeSelf: true);

        var skipped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in layer.ReplacePaths)
        {
            // The provider writes both JSON null and {} as null; {} over an object must merge (a no-op), not erase it.
            if (layer.Entries.TryGetValue(path, out var e) && e.Value is null && HasDescendants(path))
            {
                skipped.Add(path);
                continue;
            }
            RemoveSubtree(path, includeSelf: false);
        }
        foreach (var (key, entry) in layer.Entries)
        {
            if (skipped.Contains(key)) continue;
            for (var i = key.IndexOf(':'); i >= 0; i = key.IndexOf(':', i + 1))
                _entries.Remove(key[..i]); // an object replaces a scalar written earlier
            _entries[key] = entry with { Layer = _layer };
        }
    }

    /// <summary>Removes <paramref name="prefix"/>'s descendants (and the key itself if asked).</summary>
    public void RemoveSubtree(string prefix, bool includeSelf)
    {
        foreach (var key in _entries.Keys.Where(k => ConfigLayer.IsAtOrUnder(k, prefix) && (includeSelf || k != prefix)).ToList())
            _entries.Remove(key);
    }

    /// <summary>Origin of a key: its own entry, else the latest entry below it, else the nearest entry above it.</summary>
    public KeyOrigin? OriginOf(string configKey)
    {
        if (configKey.Length == 0) return null;
        if (_entries.TryGetValue(configKey, out var own)) return own.Origin;
        var below = _entries.Where(kv => ConfigLayer.IsAtOrUnder(kv.Key, configKey))
            .OrderByDescending(kv => kv.Value.Layer).Select(kv => kv.Value.Origin).FirstOrDefault();
        if (below is not null) return below;
        for (var i = configKey.LastIndexOf(':'); i > 0; i = configKey.LastIndexOf(':', i - 1))
            if (_entries.TryGetValue(configKey[..i], out var above)) return above.Origin;
        return null;
    }

    /// <summary>
    /// The error for a JSON path, naming the file the key came from (<paramref name="fallbackSource"/> for a
    /// default value) and prefixing <c>variants[i].set.</c> when a variant's set wrote it.
    /// </summary>
    public ConfigError ErrorAt(string jsonPath, string message, string fallbackSource)
    {
        var origin = OriginOf(ConfigKeys.ToConfigKey(jsonPath));
        return new ConfigError(origin?.Source ?? fallbackSource, (origin?.PathPrefix ?? "") + jsonPath, message);
    }

    private bool HasDescendants(string path) => _entries.Keys.Any(k => k != path && ConfigLayer.IsAtOrUnder(k, path));
}
