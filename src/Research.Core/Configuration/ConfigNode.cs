using System.Globalization;

namespace Research.Core.Configuration;

/// <summary>
/// The merged configuration as a tree, for the strict binder. A node either holds a value (a JSON
/// scalar; null for JSON null or <c>{}</c>, empty for <c>[]</c>) or has children; an array is a node
/// whose children are all indices, kept in index order.
/// </summary>
internal sealed class ConfigNode
{
    private readonly List<ConfigNode> _children = [];
    private readonly Dictionary<string, ConfigNode> _byName = new(StringComparer.Ordinal);

    private ConfigNode(string key) => Key = key;

    /// <summary>Configuration key (<c>sampling:0:steps</c>); empty for the root.</summary>
    public string Key { get; }

    /// <summary>The last segment of <see cref="Key"/>.</summary>
    public string Name => Key[(Key.LastIndexOf(':') + 1)..];

    /// <summary>True when the node is a leaf holding a value (possibly null).</summary>
    public bool HasValue { get; private set; }

    /// <summary>The leaf's value.</summary>
    public string? Value { get; private set; }

    /// <summary>
    /// Children in index order for arrays, else in ordinal key order (the provider does not keep file
    /// order, and merging must not make it depend on the layers: dictionaries bind in a stable order).
    /// </summary>
    public IReadOnlyList<ConfigNode> Children => _children;

    /// <summary>All children are array indices.</summary>
    public bool IsArray => _children.Count > 0 && _children.All(c => ConfigKeys.IsIndex(c.Name));

    /// <summary>The child with this exact (case-sensitive) name, or null.</summary>
    public ConfigNode? Child(string name) => _byName.GetValueOrDefault(name);

    /// <summary>What the node holds, for "expected …, got …" messages.</summary>
    public string Describe() =>
        HasValue ? Value is null ? "null" : Value.Length == 0 ? "an empty string or array" : ConfigKeys.Quote(Value)
        : IsArray ? "an array" : "an object";

    /// <summary>Builds the tree of flattened entries.</summary>
    public static ConfigNode Build(IReadOnlyDictionary<string, ConfigEntry> entries)
    {
        var root = new ConfigNode("");
        foreach (var (key, entry) in entries)
        {
            var node = root;
            foreach (var segment in key.Split(':'))
                node = node.GetOrAdd(segment);
            node.HasValue = true;
            node.Value = entry.Value;
        }
        root.SortChildren();
        return root;
    }

    private ConfigNode GetOrAdd(string segment)
    {
        if (_byName.TryGetValue(segment, out var child)) return child;
        child = new ConfigNode(Key.Length == 0 ? segment : Key + ":" + segment);
        _byName[segment] = child;
        _children.Add(child);
        return child;
    }

    private void SortChildren()
    {
        if (IsArray) _children.Sort((a, b) => int.Parse(a.Name, CultureInfo.InvariantCulture).CompareTo(int.Parse(b.Name, CultureInfo.InvariantCulture)));
        else _children.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var child in _children) child.SortChildren();
    }
}
