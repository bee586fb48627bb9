using System.Globalization;

namespace Research.Core.Configuration;

/// <summary>
/// Takes <c>sweep</c> out of the merged configuration and reads it into dimensions: each <c>grid</c> key
/// is one dimension, the <c>zip</c> keys (equal lengths) are one more, <c>seeds</c> the last. Values may
/// be any JSON (a number, a string, an array, an object); each becomes a layer written at its key.
/// </summary>
internal static class SweepExpander
{
    /// <summary>The configuration key of the section.</summary>
    public const string Key = "sweep";
    private static readonly string[] SectionKeys = ["grid", "labels", "name", "seeds", "zip"];
    private static readonly string[] Reserved = ["sweep", "variants", "extends", "plugins"];

    /// <summary>The sweep (null when the file has none); removes it from <paramref name="merged"/>.</summary>
    public static SweepSection? Extract(MergedConfig merged, string file, List<ConfigError> errors)
    {
        void Fail(string path, string message) => errors.Add(merged.ErrorAt(path, message, file));
        var root = merged.Root.Child(Key);
        if (root is null or { Kind: ConfigKind.Null })
        {
            merged.Take(Key);
            return null;
        }
        if (root.Kind != ConfigKind.Object)
        {
            Fail(Key, $"expected an object {{ \"grid\": …, \"zip\": …, \"seeds\": […] }}, got {root.Describe()}");
            merged.Take(Key);
            return null;
        }
        foreach (var (key, _) in root.Properties.Where(p => !SectionKeys.Contains(p.Key)))
            Fail($"{Key}.{key}", ConfigKeys.UnknownKey(key, SectionKeys));

        var dimensions = new List<SweepDimension>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (root.Child("grid") is { } grid)
            foreach (var (key, values) in ReadKeys(grid, $"{Key}.grid", seen, Fail))
                dimensions.Add(new SweepDimension([key], values.Select(v => (IReadOnlyList<SweepValue>)[v]).ToList()));
        if (root.Child("zip") is { } zip)
        {
            var keys = ReadKeys(zip, $"{Key}.zip", seen, Fail);
            var lengths = keys.Select(k => k.Values.Count).Distinct().ToList();
            if (lengths.Count > 1)
                Fail($"{Key}.zip", "every zipped key needs the same number of values, got "
                    + string.Join(", ", keys.Select(k => $"{k.Key}: {k.Values.Count}")));
            else if (keys.Count > 0)
                dimensions.Add(new SweepDimension(keys.Select(k => k.Key).ToList(),
                    Enumerable.Range(0, lengths[0]).Select(i => (IReadOnlyList<SweepValue>)keys.Select(k => k.Values[i]).ToList()).ToList()));
        }
        var seeds = new List<long>();
        if (root.Child("seeds") is { } seedNode)
        {
            if (seedNode.Kind != ConfigKind.Array) Fail($"{Key}.seeds", $"expected an array of integers, got {seedNode.Describe()}");
            else
                for (var i = 0; i < seedNode.Items.Count; i++)
                {
                    var s = seedNode.Items[i];
                    if (s.Kind is ConfigKind.Number or ConfigKind.Text && long.TryParse(s.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seed) && seed >= 0) seeds.Add(seed);
                    else Fail(ConfigKeys.Item($"{Key}.seeds", i), $"expected a non-negative integer, got {s.Describe()}");
                }
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.Child("labels") is { } labelNode)
            foreach (var (key, l) in labelNode.Properties)
                if (!seen.Contains(key)) Fail($"{Key}.labels.{key}", "labels a key that is not swept");
                else if (l is { Kind: ConfigKind.String or ConfigKind.Text, Text.Length: > 0 } && l.Text.All(IsIdChar)) labels[key] = l.Text;
                else Fail($"{Key}.labels.{key}", $"expected a short label (letters, digits, '-', '_', '.'), got {l.Describe()}");
        string? name = root.Child("name") is { Kind: ConfigKind.String or ConfigKind.Text, Text.Length: > 0 } n ? n.Text : null;
        if (name is not null && !name.All(IsIdChar))
            Fail($"{Key}.name", $"'{name}' may hold only letters, digits, '-', '_' and '.' (it names the sweep folder)");
        merged.Take(Key);
        return new SweepSection(name, dimensions, seeds, labels);
    }

    /// <summary>A character allowed in folder names and point ids.</summary>
    public static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    private static List<(string Key, List<SweepValue> Values)> ReadKeys(ConfigNode section, string path, HashSet<string> seen, Action<string, string> fail)
    {
        var result = new List<(string, List<SweepValue>)>();
        if (section.Kind != ConfigKind.Object)
        {
            fail(path, $"expected an object {{ \"key.path\": [values…] }}, got {section.Describe()}");
            return result;
        }
        foreach (var (keyPath, node) in section.Properties)
        {
            var itemPath = $"{path}[{ConfigKeys.Quote(keyPath)}]";
            if (!ConfigPath.IsKeyPath(keyPath) || ConfigPath.Parse(keyPath) is not { } segments)
            { fail(itemPath, "not a key path (write e.g. schedule.num_timesteps or sampling[0].steps)"); continue; }
            if (Reserved.Contains(segments[0].Name)) { fail(itemPath, $"'{keyPath}' cannot be swept"); continue; }
            if (!seen.Add(keyPath)) { fail(itemPath, $"'{keyPath}' is swept twice"); continue; }
            if (node is not { Kind: ConfigKind.Array, Items.Count: > 0 }) { fail(itemPath, $"expected a non-empty array of values, got {node.Describe()}"); continue; }
            var values = node.Items.Select((item, i) => new SweepValue(item.IsContainer ? $"#{i}" : item.Text ?? "null", segments, item)).ToList();
            result.Add((keyPath, values));
        }
        return result;
    }
}
