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
        var entries = merged.Entries.Where(kv => ConfigLayer.IsAtOrUnder(kv.Key, Key))
            .ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        void Fail(string path, string message) => errors.Add(merged.ErrorAt(path, message, file));
        var root = entries.Count == 0 ? null : ConfigNode.Build(entries).Child(Key);
        merged.RemoveSubtree(Key, includeSelf: true);
        if (root is null || root.HasValue && root.Value is null) return null;
        if (root.HasValue || root.IsArray)
        {
            Fail(Key, $"expected an object {{ \"grid\": …, \"zip\": …, \"seeds\": […] }}, got {root.Describe()}");
            return null;
        }
        foreach (var child in root.Children.Where(c => !SectionKeys.Contains(c.Name)))
            Fail($"{Key}.{child.Name}", ConfigKeys.UnknownKey(child.Name, SectionKeys));

        var dimensions = new List<SweepDimension>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        if (root.Child("grid") is { } grid)
            foreach (var (key, values) in ReadKeys(grid, $"{Key}.grid", entries, seen, Fail))
                dimensions.Add(new SweepDimension([key], values.Select(v => (IReadOnlyList<SweepValue>)[v]).ToList()));
        if (root.Child("zip") is { } zip)
        {
            var keys = ReadKeys(zip, $"{Key}.zip", entries, seen, Fail);
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
            if (seedNode.HasValue || !seedNode.IsArray) Fail($"{Key}.seeds", $"expected an array of integers, got {seedNode.Describe()}");
            else
                for (var i = 0; i < seedNode.Children.Count; i++)
                {
                    var s = seedNode.Children[i];
                    if (s.HasValue && long.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) && seed >= 0) seeds.Add(seed);
                    else Fail(ConfigKeys.Item($"{Key}.seeds", i), $"expected a non-negative integer, got {s.Describe()}");
                }
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (root.Child("labels") is { } labelNode)
            foreach (var l in labelNode.Children)
                if (!seen.Contains(l.Name)) Fail($"{Key}.labels.{l.Name}", "labels a key that is not swept");
                else if (l.HasValue && !string.IsNullOrEmpty(l.Value) && l.Value.All(IsIdChar)) labels[l.Name] = l.Value;
                else Fail($"{Key}.labels.{l.Name}", $"expected a short label (letters, digits, '-', '_', '.'), got {l.Describe()}");
        string? name = root.Child("name") is { HasValue: true, Value: { Length: > 0 } n } ? n : null;
        if (name is not null && !name.All(IsIdChar))
            Fail($"{Key}.name", $"'{name}' may hold only letters, digits, '-', '_' and '.' (it names the sweep folder)");
        return new SweepSection(name, dimensions, seeds, labels);
    }

    /// <summary>A character allowed in folder names and point ids.</summary>
    public static bool IsIdChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.';

    private static List<(string Key, List<SweepValue> Values)> ReadKeys(ConfigNode section, string path,
        Dictionary<string, ConfigEntry> entries, HashSet<string> seen, Action<string, string> fail)
    {
        var result = new List<(string, List<SweepValue>)>();
        if (section.HasValue || section.IsArray)
        {
            fail(path, $"expected an object {{ \"key.path\": [values…] }}, got {section.Describe()}");
            return result;
        }
        foreach (var node in section.Children)
        {
            var keyPath = node.Name;
            var itemPath = $"{path}[{ConfigKeys.Quote(keyPath)}]";
            if (!SetOverrideParser.IsKeyPath(keyPath)) { fail(itemPath, "not a key path (write e.g. schedule.num_timesteps or sampling[0].steps)"); continue; }
            var configKey = ConfigKeys.ToConfigKey(keyPath);
            if (Reserved.Any(r => ConfigLayer.IsAtOrUnder(configKey, r))) { fail(itemPath, $"'{keyPath}' cannot be swept"); continue; }
            if (!seen.Add(keyPath)) { fail(itemPath, $"'{keyPath}' is swept twice"); continue; }
            if (node.HasValue || !node.IsArray) { fail(itemPath, $"expected a non-empty array of values, got {node.Describe()}"); continue; }
            var values = new List<SweepValue>();
            for (var i = 0; i < node.Children.Count; i++)
            {
                var item = node.Children[i];
                var data = entries.Where(kv => ConfigLayer.IsAtOrUnder(kv.Key, item.Key))
                    .ToDictionary(kv => configKey + kv.Key[item.Key.Length..], kv => kv.Value.Value, StringComparer.Ordinal);
                var display = item.HasValue ? item.Value ?? "null" : $"#{i}";
                values.Add(new SweepValue(display, data));
            }
            result.Add((keyPath, values));
        }
        return result;
    }
}
