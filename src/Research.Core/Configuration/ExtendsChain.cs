namespace Research.Core.Configuration;

/// <summary>
/// Resolves a file's <c>extends</c> chain into one tree: each preset's own presets first, then the preset, …, then
/// the file. Paths are relative to the file that names them. A cycle, a missing preset or a chain deeper than
/// <see cref="MaxDepth"/> files is an error naming the file that asked for it and its <c>extends</c> key. A preset
/// reached twice (a diamond) is applied once, at its first position, so it cannot undo a preset applied after it.
/// Each file also loses its top-level <c>$schema</c> (an editor hint) and has its <c>plugins</c> made absolute.
/// </summary>
internal static class ExtendsChain
{
    /// <summary>The most files one <c>extends</c> chain may nest (a preset of a preset of …).</summary>
    public const int MaxDepth = 32;

    private const string Key = "extends";

    private static readonly StringComparer PathComparer =
        OperatingSystem.IsWindows() ? StringComparer.OrdinalIgnoreCase : StringComparer.Ordinal;

    /// <summary>The layered tree of <paramref name="fullPath"/> and its presets; null when nothing could be read.</summary>
    public static ConfigNode? Load(string fullPath, List<ConfigError> errors)
    {
        ConfigNode? merged = null;
        Visit(fullPath, null, "", [], new HashSet<string>(PathComparer), ref merged, errors);
        return merged;
    }

    /// <summary>
    /// The paths an <c>extends</c> value names: a string or an array of strings (an empty array or empty string
    /// means none). Returns (path as written, JSON path of the key relative to <paramref name="keyPath"/>'s parent).
    /// </summary>
    public static List<(string Target, string KeyPath)> Targets(ConfigNode? extends, string file, string keyPath, List<ConfigError> errors)
    {
        var result = new List<(string, string)>();
        switch (extends)
        {
            case null or { Kind: ConfigKind.Null }:
                break;
            case { Kind: ConfigKind.String or ConfigKind.Text }:
                if (extends.Text!.Length > 0) result.Add((extends.Text, keyPath));
                break;
            case { Kind: ConfigKind.Array }:
                for (var i = 0; i < extends.Items.Count; i++)
                    if (extends.Items[i] is { Kind: ConfigKind.String, Text.Length: > 0 } item) result.Add((item.Text!, ConfigKeys.Item(keyPath, i)));
                    else errors.Add(new ConfigError(file, ConfigKeys.Item(keyPath, i), $"expected a file path (a non-empty string), got {extends.Items[i].Describe()}"));
                break;
            default:
                errors.Add(new ConfigError(file, keyPath, $"expected a file path or an array of file paths, got {extends.Describe()}"));
                break;
        }
        return result;
    }

    private static void Visit(string file, string? askedBy, string askedPath, List<string> stack, HashSet<string> done,
        ref ConfigNode? merged, List<ConfigError> errors)
    {
        if (stack.Contains(file, PathComparer))
        {
            var cycle = stack.SkipWhile(f => !PathComparer.Equals(f, file)).Append(file).Select(Path.GetFileName);
            errors.Add(new ConfigError(askedBy!, askedPath, $"'extends' cycle: {string.Join(" → ", cycle)}"));
            return;
        }
        if (stack.Count >= MaxDepth)
        {
            errors.Add(new ConfigError(askedBy!, askedPath,
                $"'extends' chain deeper than {MaxDepth} files (from {Path.GetFileName(stack[0])}); presets nest a few levels, not more"));
            return;
        }
        if (!done.Add(file)) return;
        if (JsonLayerReader.ReadFile(file, errors, askedBy, askedPath) is not { } root) return;
        var directory = Path.GetDirectoryName(file) ?? ".";
        stack.Add(file);
        foreach (var (target, keyPath) in Targets(root.Child(Key), file, Key, errors))
            Visit(Path.GetFullPath(Path.Combine(directory, target)), file, keyPath, stack, done, ref merged, errors);
        stack.RemoveAt(stack.Count - 1);
        merged = ConfigNode.Merge(merged, Prepare(root, file, directory, errors));
    }

    // Drops extends and $schema; plugin paths are relative to the file naming them, kept absolute so a
    // resolved configuration stands alone.
    private static ConfigNode Prepare(ConfigNode root, string file, string directory, List<ConfigError> errors)
    {
        if (root.Child("$schema") is { Kind: not ConfigKind.String } schema)
            errors.Add(new ConfigError(file, "$schema", $"expected a string (the JSON schema's address), got {schema.Describe()}"));
        root = root.Without(Key, "$schema");
        if (root.Child("plugins") is not { Kind: ConfigKind.Array } plugins) return root;
        var absolute = plugins.Items.Select(p => p is { Kind: ConfigKind.String, Text.Length: > 0 }
            ? ConfigNode.Scalar(ConfigKind.String, Path.GetFullPath(Path.Combine(directory, p.Text!)), p.Origin) : p).ToList();
        return root.With("plugins", ConfigNode.Array(absolute, plugins.Origin), root.Origin);
    }
}
