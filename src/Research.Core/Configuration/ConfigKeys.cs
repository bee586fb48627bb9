using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;

namespace Research.Core.Configuration;

/// <summary>
/// Key naming (snake_case, <see cref="ConfigurationKeyNameAttribute"/> overrides), building JSON paths
/// (<c>sampling[0].steps</c>) and "did you mean" suggestions, shared by the binder, the validator and the serializer so they always agree.
/// </summary>
internal static class ConfigKeys
{
    private static readonly ConcurrentDictionary<Type, IReadOnlyList<PropertyInfo>> BindableCache = new();

    /// <summary>The JSON key of a property: its <see cref="ConfigurationKeyNameAttribute"/>, else snake_case.</summary>
    public static string JsonName(PropertyInfo property) =>
        property.GetCustomAttribute<ConfigurationKeyNameAttribute>()?.Name
        ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);

    /// <summary>
    /// Properties the binder sets and the serializer writes: public instance, public getter and public
    /// setter or init, not an indexer, not <c>[JsonIgnore]</c>. Get-only (computed) properties are left out.
    /// </summary>
    public static IReadOnlyList<PropertyInfo> Bindable(Type type) => BindableCache.GetOrAdd(type, t => t
        .GetProperties(BindingFlags.Public | BindingFlags.Instance)
        .Where(p => p.GetIndexParameters().Length == 0 && p.GetMethod?.IsPublic == true && p.SetMethod?.IsPublic == true
                    && p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
        .ToList());

    /// <summary>A class bound key by key: has a parameterless constructor and is neither a string nor a collection.</summary>
    public static bool IsOptionsClass(Type type) =>
        type.IsClass && type != typeof(string) && type != typeof(object) && !typeof(IEnumerable).IsAssignableFrom(type)
        && type.GetConstructor(Type.EmptyTypes) is not null;

    /// <summary><c>a</c> + <c>b</c> → <c>a.b</c> (just <c>b</c> at the root).</summary>
    public static string Child(string path, string key) => path.Length == 0 ? key : path + "." + key;

    /// <summary><c>a</c> + 2 → <c>a[2]</c>.</summary>
    public static string Item(string path, int index) => $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]";

    /// <summary><c>unknown key; did you mean 'x'? (known keys: …)</c>.</summary>
    public static string UnknownKey(string key, IReadOnlyCollection<string> known) =>
        $"unknown key{DidYouMean(key, known)} (known keys: {string.Join(", ", known)})";

    /// <summary><c>; did you mean 'x'?</c> when one known key is close to <paramref name="key"/>, else empty.</summary>
    public static string DidYouMean(string key, IEnumerable<string> known) =>
        Suggest(key, known) is { } hint ? $"; did you mean '{hint}'?" : "";

    /// <summary>The closest known key within a small edit distance (case-insensitive), or null.</summary>
    public static string? Suggest(string key, IEnumerable<string> known)
    {
        var limit = Math.Max(1, Math.Min(3, key.Length / 3));
        return known
            .Select(k => (Key: k, Distance: Distance(key.ToLowerInvariant(), k.ToLowerInvariant())))
            .Where(x => x.Distance <= limit)
            .OrderBy(x => x.Distance).ThenBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => x.Key)
            .FirstOrDefault();
    }

    /// <summary>Quotes a configuration value for a message (<c>"many"</c>).</summary>
    public static string Quote(string value) => JsonSerializer.Serialize(value, ExperimentJson.Options);

    private static int Distance(string a, string b)
    {
        // Levenshtein distance with one rolling row.
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var diagonal = row[0];
            row[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
