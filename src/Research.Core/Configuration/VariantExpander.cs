namespace Research.Core.Configuration;

/// <summary>
/// Takes <c>variants</c> out of the merged configuration. Each variant's <c>set</c> becomes a layer whose keys keep
/// their source file and report errors under <c>variants[i].set.</c>. A variant may also name presets in <c>extends</c>
/// (a path or an array of paths, relative to the file that declares the variant), layered under its <c>set</c>: so one
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
        var result = new List<VariantLayer>();
        void Fail(string path, string message) => errors.Add(merged.ErrorAt(path, message, file));
        var root = merged.Root.Child(Key);
        if (root is null or { Kind: ConfigKind.Null } || root is { Kind: ConfigKind.Array, Items.Count: 0 })
        {
            // absent, [] or null: no variants
        }
        else if (root.Kind != ConfigKind.Array)
        {
            Fail(Key, $"expected an array of {{ \"name\": …, \"set\": {{ … }} }} objects, got {root.Describe()}");
        }
        else
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < root.Items.Count; i++)
                if (ReadItem(root.Items[i], i, names, Fail, errors) is { } variant) result.Add(variant);
        }
        merged.Take(Key);
        return result;
    }

    private static VariantLayer? ReadItem(ConfigNode item, int i, HashSet<string> names, Action<string, string> fail, List<ConfigError> errors)
    {
        var path = ConfigKeys.Item(Key, i);
        if (item.Kind != ConfigKind.Object)
        {
            fail(path, $"expected an object {{ \"name\": …, \"set\": {{ … }} }}, got {item.Describe()}");
            return null;
        }
        foreach (var (name, _) in item.Properties.Where(p => !ItemKeys.Contains(p.Key)))
            fail(ConfigKeys.Child(path, name), ConfigKeys.UnknownKey(name, ItemKeys));

        var variant = item.Child("name") is { Kind: ConfigKind.String or ConfigKind.Text } n ? n.Text! : "";
        var nameProblem = variant.Length == 0 ? "is required (a non-empty string)"
            : variant.Any(c => !(char.IsLetterOrDigit(c) || c is '-' or '_' or '.'))
                ? $"'{variant}' may hold only letters, digits, '-', '_' and '.' (it names the run folder)"
            : !names.Add(variant) ? $"'{variant}' is used by another variant"
            : null;
        if (nameProblem is not null) fail(path + ".name", nameProblem);
        var ok = nameProblem is null;
        var set = item.Child("set");
        if (set is { Kind: not (ConfigKind.Object or ConfigKind.Null) })
        {
            fail(path + ".set", $"expected an object (a partial experiment), got {set.Describe()}");
            ok = false;
        }
        foreach (var top in set?.Properties.Select(p => p.Key).Where(ReservedInSet.Contains) ?? [])
        {
            fail($"{path}.set.{top}", $"'{top}' is not allowed inside a variant's set");
            ok = false;
        }
        var presets = ReadExtends(item.Child("extends"), path, errors);
        if (!ok || presets is null) return null;
        var layer = set is { Kind: ConfigKind.Object } ? set.WithPathPrefix($"{path}.set.") : null;
        return new VariantLayer(i, variant, layer) { Presets = presets };
    }

    // variants[i].extends: each preset with its own extends chain, resolved against the declaring file's folder.
    // Null when a preset could not be read (its errors are in the list).
    private static List<ConfigNode>? ReadExtends(ConfigNode? extends, string path, List<ConfigError> errors)
    {
        if (extends is null) return [];
        var declaredIn = extends.Origin.Source;
        int before = errors.Count;
        var targets = ExtendsChain.Targets(extends, declaredIn, $"{path}.extends", errors);
        var layers = new List<ConfigNode>();
        var directory = Path.GetDirectoryName(declaredIn) ?? ".";
        foreach (var (target, keyPath) in targets)
        {
            var full = Path.GetFullPath(Path.Combine(directory, target));
            if (!File.Exists(full)) errors.Add(new ConfigError(declaredIn, keyPath, $"'{target}': file not found (looked for {full})"));
            else if (ExtendsChain.Load(full, errors) is { } preset) layers.Add(preset);
        }
        return errors.Count > before ? null : layers;
    }
}
