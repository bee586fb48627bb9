namespace Research.Core.Configuration;

/// <summary>
/// Resolves a file's <c>extends</c> chain into layers: each preset's own presets first, then the preset,
/// …, then the file. Paths are relative to the file that names them. A cycle or a missing preset is an
/// error naming the file that asked for it and its <c>extends</c> key. A preset reached twice (a diamond)
/// is applied once, at its first position, so it cannot undo a preset applied after it.
/// </summary>
internal static class ExtendsChain
{
    private const string Key = "extends";

    private static readonly StringComparer PathComparer =
        OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>The layers of <paramref name="fullPath"/> and its presets, in application order.</summary>
    public static List<ConfigLayer> Load(string fullPath, List<ConfigError> errors)
    {
        var layers = new List<ConfigLayer>();
        Visit(fullPath, null, "", [], new HashSet<string>(PathComparer), layers, errors);
        return layers;
    }

    /// <summary>
    /// Takes the <c>extends</c> keys out of <paramref name="data"/>: a string or an array of strings
    /// (an empty array or empty string means none). Returns (path as written, JSON path of the key).
    /// </summary>
    public static List<(string Target, string KeyPath)> TakeExtends(Dictionary<string, string?> data, string file, List<ConfigError> errors)
    {
        var keys = data.Keys.Where(k => ConfigLayer.IsAtOrUnder(k, Key)).ToList();
        var result = new List<(string, string)>();
        if (data.TryGetValue(Key, out var single))
        {
            if (!string.IsNullOrEmpty(single)) result.Add((single, Key));
        }
        else
        {
            var items = keys.Select(k => k.Split(':')).ToList();
            if (items.Any(s => !ConfigKeys.IsIndex(s[1])))
                errors.Add(new ConfigError(file, Key, "expected a file path or an array of file paths, got an object"));
            else
                foreach (var group in items.GroupBy(s => int.Parse(s[1], System.Globalization.CultureInfo.InvariantCulture)).OrderBy(g => g.Key))
                {
                    var path = ConfigKeys.Item(Key, group.Key);
                    var value = data.GetValueOrDefault($"{Key}:{group.Key}");
                    if (group.Any(s => s.Length > 2) || string.IsNullOrEmpty(value))
                        errors.Add(new ConfigError(file, path, "expected a file path (a non-empty string)"));
                    else
                        result.Add((value, path));
                }
        }
        foreach (var k in keys) data.Remove(k);
        return result;
    }

    private static void Visit(string file, string? askedBy, string askedPath, List<string> stack, HashSet<string> done,
        List<ConfigLayer> layers, List<ConfigError> errors)
    {
        if (stack.Contains(file, PathComparer))
        {
            var cycle = stack.SkipWhile(f => !PathComparer.Equals(f, file)).Append(file).Select(Path.GetFileName);
            errors.Add(new ConfigError(askedBy!, askedPath, $"'extends' cycle: {string.Join(" → ", cycle)}"));
            return;
        }
        if (!done.Add(file)) return;
        var data = JsonLayerReader.ReadFile(file, errors, askedBy, askedPath);
        if (data is null) return;
        var directory = Path.GetDirectoryName(file) ?? ".";
        // Plugin paths are relative to the file naming them; kept absolute so a resolved configuration stands alone.
        foreach (var key in data.Keys.Where(k => ConfigLayer.IsAtOrUnder(k, "plugins") && k != "plugins").ToList())
            if (data[key] is { Length: > 0 } plugin) data[key] = Path.GetFullPath(Path.Combine(directory, plugin));
        stack.Add(file);
        foreach (var (target, keyPath) in TakeExtends(data, file, errors))
            Visit(Path.GetFullPath(Path.Combine(directory, target)), file, keyPath, stack, done, layers, errors);
        stack.RemoveAt(stack.Count - 1);
        layers.Add(ConfigLayer.FromFlat(data, new KeyOrigin(file)));
    }
}
