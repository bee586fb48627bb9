using Research.Core.Experiments;

namespace Research.Core.Configuration;

/// <summary>
/// Takes <c>variants</c> out of the merged configuration. Each variant's <c>set</c> subtree is kept as
/// flattened pairs (<see cref="VariantOptions.Set"/>) and as a layer whose keys keep their source file
/// and report errors under <c>variants[i].set.</c>. A variant may also name presets in <c>extends</c> (a path or
/// an array of paths, relative to the file that declares the variant), layered under its <c>set</c>: so one
/// experiment can put families with their own presets side by side without copying the presets' values.
/// </summary>
internal static class VariantExpander
{
    private const string Key = "variants";
    private static readonly string[] ItemKeys = ["name", "extends", "set"];
    private static readonly string[] ReservedInSet = ["variants", "extends"];

    /// <summary>The variants in file order (empty when there are none); removes them from <paramref name="merged"/>.</summary>
    public static List<VariantLayer> Extract(MergedConfig merged, string file, List<ConfigError> errors)
    {
        var entries = merged.Entries.Where(kv => ConfigLayer.IsAtOrUnder(kv.Key, Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        var result = new List<VariantLayer>();
        void Fail(string path, string message) => errors.Add(merged.ErrorAt(path, message, file));

        var root = entries.Count == 0 ? null : ConfigNode.Build(entries).Child(Key);
        if (root is null || root.HasValue && string.IsNullOrEmpty(root.Value))
        {
            // absent, [] or null: no variants
        }
        else if (root.HasValue || !root.IsArray)
        {
            Fail(Key, $"expected an array of {{ \"name\": …, \"set\": {{ … }} }} objects, got {root.Describe()}");
        }
        else
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < root.Children.Count; i++)
                if (ReadItem(root.Children[i], i, entries, names, Fail, errors) is { } variant) result.Add(variant);
        }
        merged.RemoveSubtree(Key, includeSelf: true);
        return result;
    }

    private static VariantLayer? ReadItem(ConfigNode item, int i, Dictionary<string, ConfigEntry> entries, HashSet<string> names,
        Action<string, string> fail, List<ConfigError> errors)
    {
        var path = ConfigKeys.Item(Key, i);
        if (item.HasValue)
        {
            fail(path, $"expected an object {{ \"name\": …, \"set\": {{ … }} }}, got {item.Describe()}");
            return null;
        }
        foreach (var child in item.Children.Where(c => !ItemKeys.Contains(c.Name)))
            fail(ConfigKeys.Child(path, child.Name), ConfigKeys.UnknownKey(child.Name, ItemKeys));

        var name = item.Child("name") is { HasValue: true, Value: { } n } ? n : "";
        var nameProblem = name.Length == 0 ? "is required (a non-empty string)"
            : name.Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '_' or '.'))
                ? $"'{name}' may hold only letters, digits, '-', '_' and '.' (it names the run folder)"
            : !names.Add(name) ? $"'{name}' is used by another variant"
            : null;
        if (nameProblem is not null) fail(path + ".name", nameProblem);
        var ok = nameProblem is null;
        if (item.Child("set") is { } set && (set.HasValue && !string.IsNullOrEmpty(set.Value) || set.IsArray))
        {
            fail(path + ".set", $"expected an object (a partial experiment), got {set.Describe()}");
            ok = false;
        }

        var prefix = $"{Key}:{i}:set";
        var setEntries = new Dictionary<string, ConfigEntry>(StringComparer.Ordinal);
        foreach (var (key, entry) in entries.Where(kv => ConfigLayer.IsAtOrUnder(kv.Key, prefix) && kv.Key != prefix))
        {
            var relative = key[(prefix.Length + 1)..];
            var top = relative.Split(':')[0];
            if (ReservedInSet.Contains(top))
            {
                fail($"{path}.set.{top}", $"'{top}' is not allowed inside a variant's set");
                ok = false;
                continue;
            }
            setEntries[relative] = entry with { Origin = entry.Origin with { PathPrefix = $"{path}.set." } };
        }
        var presets = ReadExtends(entries, i, path, errors);
        if (!ok || presets is null) return null;
        var variant = new VariantOptions { Name = name, Set = setEntries.ToDictionary(kv => kv.Key, kv => kv.Value.Value, StringComparer.Ordinal) };
        return new VariantLayer(i, variant, ConfigLayer.FromEntries(setEntries)) { Presets = presets };
    }

    // variants[i].extends: each preset with its own extends chain, resolved against the declaring file's folder.
    // Null when a preset could not be read (its errors are in the list).
    private static List<ConfigLayer>? ReadExtends(Dictionary<string, ConfigEntry> entries, int i, string path, List<ConfigError> errors)
    {
        var prefix = $"{Key}:{i}:extends";
        var own = entries.Where(kv => ConfigLayer.IsAtOrUnder(kv.Key, prefix)).ToList();
        if (own.Count == 0) return [];
        var declaredIn = own[0].Value.Origin.Source;
        var data = own.ToDictionary(kv => kv.Key[$"{Key}:{i}:".Length..], kv => kv.Value.Value, StringComparer.Ordinal);
        int before = errors.Count;
        var targets = ExtendsChain.TakeExtends(data, declaredIn, errors);
        for (int e = before; e < errors.Count; e++) errors[e] = errors[e] with { Path = $"{path}.{errors[e].Path}" };
        var layers = new List<ConfigLayer>();
        var directory = Path.GetDirectoryName(declaredIn) ?? ".";
        foreach (var (target, keyPath) in targets)
        {
            var full = Path.GetFullPath(Path.Combine(directory, target));
            if (File.Exists(full)) layers.AddRange(ExtendsChain.Load(full, errors));
            else errors.Add(new ConfigError(declaredIn, $"{path}.{keyPath}", $"'{target}': file not found (looked for {full})"));
        }
        return errors.Count > before ? null : layers;
    }
}
