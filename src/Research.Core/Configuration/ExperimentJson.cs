using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Configuration;
using Research.Core.Experiments;

namespace Research.Core.Configuration;

/// <summary>
/// Writes experiment options as the resolved configuration (<c>resolved.json</c>): indented, snake_case
/// keys (<see cref="ConfigurationKeyNameAttribute"/> overrides honoured, as the loader does), component
/// <c>options</c> by their runtime type, enums by snake_case name, computed get-only properties left out.
/// Everything written binds back to the same values, so load → write → load → write is stable.
/// </summary>
public static class ExperimentJson
{
    /// <summary>The serializer settings of resolved configurations (read-only).</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    /// <summary>The resolved configuration of <paramref name="options"/>.</summary>
    public static string Serialize(ExperimentOptions options) => JsonSerializer.Serialize(options, Options);

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            WriteIndented = true,
            IgnoreReadOnlyProperties = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { UseConfigurationKeyNames } },
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.MakeReadOnly();
        return options;
    }

    private static void UseConfigurationKeyNames(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (var property in info.Properties)
            if (property.AttributeProvider is PropertyInfo p && p.GetCustomAttribute<ConfigurationKeyNameAttribute>() is { } key)
                property.Name = key.Name;
    }
}
