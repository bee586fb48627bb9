using System.Globalization;
using System.Text.Json;

namespace Research.Core.Configuration;

/// <summary>What a <see cref="ConfigNode"/> holds: a JSON value kind, or text from the command line.</summary>
internal enum ConfigKind
{
    /// <summary>JSON null.</summary>
    Null,

    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A JSON number (its text kept as written).</summary>
    Number,

    /// <summary>JSON true or false.</summary>
    Bool,

    /// <summary>A <c>--set</c> value that is not an array or object: text, bound as a string, number or boolean alike.</summary>
    Text,

    /// <summary>A JSON array.</summary>
    Array,

    /// <summary>A JSON object (keys in file order, case-sensitive).</summary>
    Object,
}

/// <summary>
/// One value of the layered configuration tree, with the origin (file or <c>--set</c>) of the layer that wrote it.
/// Nodes are immutable: layering builds new containers along the paths it changes and shares the rest, so
/// merging costs the size of the layer on top, not of the whole tree. A container read from a file stays a
/// <see cref="JsonElement"/> until something asks for its children, so a large subtree no one reads (under an
/// unknown key, or replaced by a later layer) is never expanded.
/// </summary>
internal sealed class ConfigNode
{
    private JsonElement _element;
    private List<KeyValuePair<string, ConfigNode>>? _properties;
    private Dictionary<string, int>? _index;
    private List<ConfigNode>? _items;

    private ConfigNode(ConfigKind kind, KeyOrigin origin, string? text = null)
    {
        Kind = kind;
        Origin = origin;
        Text = text;
    }

    /// <summary>What the node holds.</summary>
    public ConfigKind Kind { get; }

    /// <summary>The file (or <c>--set</c>) of the layer that wrote this node last.</summary>
    public KeyOrigin Origin { get; }

    /// <summary>A scalar's text: the string, the number as written, <c>true</c>/<c>false</c>; null for containers and null.</summary>
    public string? Text { get; }

    /// <summary>An array or an object.</summary>
    public bool IsContainer => Kind is ConfigKind.Array or ConfigKind.Object;

    /// <summary>The object's properties in order (empty for any other kind).</summary>
    public IReadOnlyList<KeyValuePair<string, ConfigNode>> Properties
    {
        get
        {
            if (Kind != ConfigKind.Object) return [];
            _properties ??= _element.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, FromElement(p.Value, Origin))).ToList();
            return _properties;
        }
    }

    /// <summary>The array's items (empty for any other kind).</summary>
    public IReadOnlyList<ConfigNode> Items
    {
        get
        {
            if (Kind != ConfigKind.Array) return [];
            _items ??= _element.EnumerateArray().Select(e => FromElement(e, Origin)).ToList();
            return _items;
        }
    }

    /// <summary>The property with this exact (case-sensitive) name, or null.</summary>
    public ConfigNode? Child(string name) => IndexOf(name) is var i and >= 0 ? Properties[i].Value : null;

    /// <summary>What the node holds, for "expected …, got …" messages.</summary>
    public string Describe() => Kind switch
    {
        ConfigKind.Null => "null",
        ConfigKind.String or ConfigKind.Text => ConfigKeys.Quote(Text!),
        ConfigKind.Array => "an array",
        ConfigKind.Object => "an object",
        _ => Text!,
    };

    /// <summary>A node over a parsed JSON value; containers are expanded only when read.</summary>
    public static ConfigNode FromElement(JsonElement element, KeyOrigin origin) => element.ValueKind switch
    {
        JsonValueKind.Object or JsonValueKind.Array => new ConfigNode(
            element.ValueKind == JsonValueKind.Object ? ConfigKind.Object : ConfigKind.Array, origin) { _element = element },
        JsonValueKind.String => new ConfigNode(ConfigKind.String, origin, element.GetString()),
        JsonValueKind.Number => new ConfigNode(ConfigKind.Number, origin, element.GetRawText()),
        JsonValueKind.True => new ConfigNode(ConfigKind.Bool, origin, "true"),
        JsonValueKind.False => new ConfigNode(ConfigKind.Bool, origin, "false"),
        _ => new ConfigNode(ConfigKind.Null, origin),
    };

    /// <summary>A scalar (or null) of the given kind.</summary>
    public static ConfigNode Scalar(ConfigKind kind, string? text, KeyOrigin origin) => new(kind, origin, text);

    /// <summary>A number node for an integer (a sweep's seed).</summary>
    public static ConfigNode Integer(long value, KeyOrigin origin) =>
        new(ConfigKind.Number, origin, value.ToString(CultureInfo.InvariantCulture));

    /// <summary>An object of these properties.</summary>
    public static ConfigNode Object(List<KeyValuePair<string, ConfigNode>> properties, KeyOrigin origin) =>
        new(ConfigKind.Object, origin) { _properties = properties };

    /// <summary>An array of these items.</summary>
    public static ConfigNode Array(List<ConfigNode> items, KeyOrigin origin) => new(ConfigKind.Array, origin) { _items = items };

    /// <summary>This object without the named properties (itself when it has none of them).</summary>
    public ConfigNode Without(params string[] names) =>
        Kind != ConfigKind.Object || !names.Any(n => IndexOf(n) >= 0) ? this
            : Object(Properties.Where(p => !names.Contains(p.Key)).ToList(), Origin);

    /// <summary>This object with <paramref name="name"/> set to <paramref name="value"/> (replaced in place, else appended).</summary>
    public ConfigNode With(string name, ConfigNode value, KeyOrigin origin)
    {
        var properties = new List<KeyValuePair<string, ConfigNode>>(Properties);
        var i = IndexOf(name);
        if (i >= 0) properties[i] = KeyValuePair.Create(name, value);
        else properties.Add(KeyValuePair.Create(name, value));
        return Object(properties, origin);
    }

    /// <summary>
    /// The same values with every origin given <paramref name="pathPrefix"/> (a variant's <c>set</c> reports its keys
    /// as <c>variants[i].set.…</c>). Unexpanded subtrees stay unexpanded.
    /// </summary>
    public ConfigNode WithPathPrefix(string pathPrefix) => Retag(o => o with { PathPrefix = pathPrefix });

    /// <summary>The same values, all of <paramref name="origin"/> (a sweep point's values).</summary>
    public ConfigNode WithOrigin(KeyOrigin origin) => Retag(_ => origin);

    private ConfigNode Retag(Func<KeyOrigin, KeyOrigin> retag)
    {
        if (_properties is not null)
            return Object(_properties.Select(p => KeyValuePair.Create(p.Key, p.Value.Retag(retag))).ToList(), retag(Origin));
        if (_items is not null) return Array(_items.Select(i => i.Retag(retag)).ToList(), retag(Origin));
        return new ConfigNode(Kind, retag(Origin), Text) { _element = _element };
    }

    /// <summary>
    /// <paramref name="over"/> layered on <paramref name="under"/>: objects merge key by key, anything else (arrays
    /// included) replaces whole. A component whose <c>type</c> changes drops the <c>options</c> written for the old type
    /// (a variant switching ddpm-eps → ddgan must not inherit ddpm-eps options). Costs the size of <paramref name="over"/>'s
    /// objects that meet objects in <paramref name="under"/>.
    /// </summary>
    public static ConfigNode Merge(ConfigNode? under, ConfigNode over)
    {
        if (under is not { Kind: ConfigKind.Object } || over.Kind != ConfigKind.Object) return over;
        if (over.Child("type") is { IsContainer: false } type && under.Child("type") is { IsContainer: false } old && old.Text != type.Text)
            under = under.Without("options");
        var properties = new List<KeyValuePair<string, ConfigNode>>(under.Properties);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < properties.Count; i++) index[properties[i].Key] = i;
        foreach (var (name, value) in over.Properties)
        {
            if (index.TryGetValue(name, out var i)) properties[i] = KeyValuePair.Create(name, Merge(properties[i].Value, value));
            else
            {
                index[name] = properties.Count;
                properties.Add(KeyValuePair.Create(name, value));
            }
        }
        return new ConfigNode(ConfigKind.Object, over.Origin) { _properties = properties, _index = index };
    }

    /// <summary>
    /// <paramref name="value"/> layered at <paramref name="path"/> under <paramref name="root"/> (a <c>--set</c>, a sweep
    /// point): an object value merges, anything else replaces; an index edits one element of an array, or appends one
    /// right after its end. Null and an error message when the index would leave a gap.
    /// </summary>
    public static ConfigNode? Assign(ConfigNode? root, IReadOnlyList<ConfigPath.Segment> path, ConfigNode value, out string? error)
    {
        error = null;
        return Assign(root, path, 0, value, ref error);
    }

    private static ConfigNode? Assign(ConfigNode? node, IReadOnlyList<ConfigPath.Segment> path, int at, ConfigNode value, ref string? error)
    {
        if (at == path.Count) return Merge(node, value);
        var segment = path[at];
        if (segment.Name is { } name)
        {
            var target = node is { Kind: ConfigKind.Object } ? node : Object([], value.Origin);
            var child = Assign(target.Child(name), path, at + 1, value, ref error);
            return child is null ? null : target.With(name, child, value.Origin);
        }
        var items = new List<ConfigNode>(node?.Items ?? []);
        if (segment.Index > items.Count)
        {
            error = $"array index {segment.Index} leaves a gap: the array has {items.Count} element(s)";
            return null;
        }
        var item = Assign(segment.Index < items.Count ? items[segment.Index] : null, path, at + 1, value, ref error);
        if (item is null) return null;
        if (segment.Index < items.Count) items[segment.Index] = item;
        else items.Add(item);
        return Array(items, value.Origin);
    }

    /// <summary>The node at <paramref name="path"/>, or the scalar that stands where the path goes deeper; null when absent.</summary>
    public ConfigNode? Find(IReadOnlyList<ConfigPath.Segment> path)
    {
        var node = this;
        foreach (var segment in path)
        {
            if (!node.IsContainer) return node.Kind == ConfigKind.Null ? null : node;
            var next = segment.Name is { } name ? node.Child(name)
                : segment.Index < node.Items.Count ? node.Items[segment.Index] : null;
            if (next is null) return null;
            node = next;
        }
        return node;
    }

    /// <summary>Every leaf (scalar, null, empty array or object) with its JSON path, depth first.</summary>
    public IEnumerable<(string Path, ConfigNode Node)> Leaves(string path = "")
    {
        var children = Kind == ConfigKind.Object ? Properties.Select(p => (ConfigKeys.Child(path, p.Key), p.Value))
            : Items.Select((item, i) => (ConfigKeys.Item(path, i), item));
        var any = false;
        foreach (var (childPath, child) in children)
        {
            any = true;
            foreach (var leaf in child.Leaves(childPath)) yield return leaf;
        }
        if (!any && path.Length > 0) yield return (path, this);
    }

    private int IndexOf(string name)
    {
        if (Kind != ConfigKind.Object) return -1;
        var properties = Properties;
        if (properties.Count < 8)
        {
            for (var i = 0; i < properties.Count; i++)
                if (properties[i].Key == name) return i;
            return -1;
        }
        if (_index is null)
        {
            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < properties.Count; i++) index.TryAdd(properties[i].Key, i);
            _index = index;
        }
        return _index.GetValueOrDefault(name, -1);
    }
}
