using System.Text.Json;
using System.Text.RegularExpressions;

namespace Research.Core.Configuration;

/// <summary>
/// Turns <c>--set key=value</c> overrides into the last layer. Keys use JSON paths
/// (<c>training.steps</c>, <c>sampling[0].steps</c>); a value that parses as JSON (number, true/false,
/// null, <c>[..]</c>, <c>{..}</c>, a quoted string) is read as JSON, anything else is a plain string.
/// An indexed key edits that element; an array value replaces the whole array.
/// </summary>
internal static partial class SetOverrideParser
{
    /// <summary>The <see cref="ConfigError.Source"/> of keys set on the command line.</summary>
    public const string Source = "--set";

    /// <summary>The layer of all overrides (later ones win), adding an error per malformed override.</summary>
    public static ConfigLayer Parse(IReadOnlyList<string> overrides, List<ConfigError> errors)
    {
        var origin = new KeyOrigin(Source);
        var entries = new Dictionary<string, ConfigEntry>(StringComparer.Ordinal);
        var replace = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in overrides)
        {
            var eq = item.IndexOf('=');
            if (eq <= 0)
            {
                errors.Add(new ConfigError(Source, "", $"'{item}' is not key=value"));
                continue;
            }
            var path = item[..eq].Trim();
            if (!KeySyntax().IsMatch(path))
            {
                errors.Add(new ConfigError(Source, path, "not a key path (write e.g. training.steps or sampling[0].steps)"));
                continue;
            }
            var key = ConfigKeys.ToConfigKey(path);
            if (ConfigLayer.IsAtOrUnder(key, "extends"))
            {
                errors.Add(new ConfigError(Source, path, "presets are chosen in the file, not on the command line"));
                continue;
            }
            if (Flatten(item[(eq + 1)..], key, path, errors) is not { } flat) continue;
            foreach (var k in entries.Keys.Where(k => ConfigLayer.IsAtOrUnder(k, key)).ToList()) entries.Remove(k);
            replace.RemoveWhere(k => ConfigLayer.IsAtOrUnder(k, key));
            foreach (var (k, v) in flat.Data) entries[k] = new ConfigEntry(v, origin);
            replace.UnionWith(flat.Replace);
        }
        return new ConfigLayer(entries, replace);
    }

    /// <summary>A JSON path a <c>--set</c> or a sweep may name (<c>training.steps</c>, <c>sampling[0].steps</c>).</summary>
    public static bool IsKeyPath(string path) => KeySyntax().IsMatch(path);

    private static (Dictionary<string, string?> Data, IEnumerable<string> Replace)? Flatten(string text, string key, string path, List<ConfigError> errors)
    {
        if (!IsJson(text))
            return (new Dictionary<string, string?>(StringComparer.Ordinal) { [key] = text }, [key]);
        // Read through the same JSON provider as files, as the value of a stand-in key "v", then re-root.
        var data = JsonLayerReader.ReadString("{\"v\":" + text + "}", Source, errors, path);
        if (data is null) return null;
        var rooted = data.ToDictionary(kv => key + kv.Key[1..], kv => kv.Value, StringComparer.Ordinal);
        return (rooted, ConfigLayer.InferReplacePaths(data.Keys).Select(k => key + k[1..]));
    }

    private static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]+(\[[0-9]+\])*(\.[A-Za-z0-9_-]+(\[[0-9]+\])*)*$")]
    private static partial Regex KeySyntax();
}
