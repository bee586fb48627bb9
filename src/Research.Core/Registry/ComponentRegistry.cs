namespace Research.Core.Registry;

/// <summary>
/// All registered parameterizations, backbones and datasets, by kind and permanent key.
/// Built by DI from every <see cref="ComponentRegistration"/> in the container; a duplicate key throws.
/// </summary>
public sealed class ComponentRegistry
{
    private readonly Dictionary<(ComponentKind, string), ComponentRegistration> _entries = new();

    /// <summary>Collects the registrations; throws on a duplicate (kind, key) or a malformed key.</summary>
    public ComponentRegistry(IEnumerable<ComponentRegistration> registrations)
    {
        foreach (var r in registrations)
        {
            if (!IsValidKey(r.Key))
                throw new InvalidOperationException($"Component key '{r.Key}' is not lower-case hyphenated (a-z, 0-9, '-').");
            if (r.OptionsType.GetConstructor(Type.EmptyTypes) is null)
                throw new InvalidOperationException($"Options type {r.OptionsType.Name} of '{r.Key}' needs a public parameterless constructor.");
            if (!_entries.TryAdd((r.Kind, r.Key), r))
                throw new InvalidOperationException(
                    $"Duplicate {r.Kind.ToString().ToLowerInvariant()} key '{r.Key}' (from {r.Origin} and {_entries[(r.Kind, r.Key)].Origin}).");
        }
    }

    /// <summary>Every registration of one kind, sorted by key.</summary>
    public IReadOnlyList<ComponentRegistration> Entries(ComponentKind kind) =>
        _entries.Values.Where(e => e.Kind == kind).OrderBy(e => e.Key, StringComparer.Ordinal).ToList();

    /// <summary>The keys of one kind, sorted.</summary>
    public IReadOnlyList<string> Keys(ComponentKind kind) => Entries(kind).Select(e => e.Key).ToList();

    /// <summary>Looks a key up without throwing.</summary>
    public bool TryGet(ComponentKind kind, string key, out ComponentRegistration registration) =>
        _entries.TryGetValue((kind, key), out registration!);

    /// <summary>Looks a key up; an unknown key throws with the list of known ones.</summary>
    public ComponentRegistration Get(ComponentKind kind, string key) =>
        TryGet(kind, key, out var r)
            ? r
            : throw new KeyNotFoundException(
                $"Unknown {kind.ToString().ToLowerInvariant()} '{key}'. Known: {string.Join(", ", Keys(kind))}.");

    /// <summary>Creates a component through its typed factory.</summary>
    public TComponent Create<TComponent>(ComponentKind kind, string key, object options, object context)
    {
        var r = Get(kind, key);
        if (!r.OptionsType.IsInstanceOfType(options))
            throw new ArgumentException($"'{key}' expects options of type {r.OptionsType.Name}, got {options.GetType().Name}.");
        return (TComponent)r.Factory(options, context!);
    }

    private static bool IsValidKey(string key) =>
        key.Length > 0 && key[0] is >= 'a' and <= 'z' && key.All(c => c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-');
}
