namespace Research.Core.Configuration;

/// <summary>
/// One layer of configuration (a preset, the experiment file, a variant's <c>set</c>, the <c>--set</c>
/// overrides): flattened entries plus the paths this layer writes <em>whole</em> (arrays and scalars),
/// so that <see cref="MergedConfig.Apply"/> replaces what earlier layers had there instead of merging
/// by index as the stock configuration root does.
/// </summary>
internal sealed class ConfigLayer(IReadOnlyDictionary<string, ConfigEntry> entries, IReadOnlySet<string> replacePaths)
{
    /// <summary>Configuration key (<c>training:steps</c>) → value and origin.</summary>
    public IReadOnlyDictionary<string, ConfigEntry> Entries { get; } = entries;

    /// <summary>Keys whose earlier subtree this layer discards: every value it sets and every array it writes.</summary>
    public IReadOnlySet<string> ReplacePaths { get; } = replacePaths;

    /// <summary>A layer read from one JSON document; all keys share <paramref name="origin"/>.</summary>
    public static ConfigLayer FromFlat(IReadOnlyDictionary<string, string?> data, KeyOrigin origin) =>
        FromEntries(data.ToDictionary(kv => kv.Key, kv => new ConfigEntry(kv.Value, origin), StringComparer.Ordinal));

    /// <summary>A layer whose arrays are recognised from its keys (every child an index: <c>a:0</c>, <c>a:1</c>).</summary>
    public static ConfigLayer FromEntries(IReadOnlyDictionary<string, ConfigEntry> entries) =>
        new(entries, InferReplacePaths(entries.Keys));

    /// <summary>This layer without the subtree at <paramref name="prefix"/>.</summary>
    public ConfigLayer Without(string prefix) => new(
        Entries.Where(kv => !IsAtOrUnder(kv.Key, prefix)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal),
        ReplacePaths.Where(p => !IsAtOrUnder(p, prefix)).ToHashSet(StringComparer.Ordinal));

    /// <summary>
    /// Every leaf key, plus every node whose children are all array indices. The JSON provider flattens
    /// an array to <c>key:0</c>, <c>key:1</c>, …, so this recovers "this layer wrote an array here".
    /// </summary>
    public static HashSet<string> InferReplacePaths(IEnumerable<string> keys)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        var children = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var key in keys)
        {
            result.Add(key);
            for (var i = key.IndexOf(':'); i >= 0; i = key.IndexOf(':', i + 1))
            {
                var parent = key[..i];
                var next = key.IndexOf(':', i + 1);
                var segment = next < 0 ? key[(i + 1)..] : key[(i + 1)..next];
                if (!children.TryGetValue(parent, out var set)) children[parent] = set = new HashSet<string>(StringComparer.Ordinal);
                set.Add(segment);
            }
        }
        foreach (var (parent, segments) in children)
            if (segments.All(ConfigKeys.IsIndex)) result.Add(parent);
        return result;
    }

    /// <summary><paramref name="key"/> is <paramref name="prefix"/> or lies below it.</summary>
    public static bool IsAtOrUnder(string key, string prefix) =>
        key.Length == prefix.Length ? key == prefix
            : key.Length > prefix.Length && key[prefix.Length] == ':' && key.StartsWith(prefix, StringComparison.Ordinal);
}
