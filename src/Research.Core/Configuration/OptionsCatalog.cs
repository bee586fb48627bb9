using System.Reflection;
using System.Text.Json;

namespace Research.Core.Configuration;

/// <summary>
/// Describes an options type key by key — name, type, default and documentation — from the same reflection the loader
/// binds with (<see cref="ConfigKeys"/>) and the XML documentation file beside the assembly (<see cref="XmlDocs"/>), so
/// a plugin's options are described exactly like the built-ins'.
/// </summary>
public static class OptionsCatalog
{
    private static readonly JsonSerializerOptions Compact = new(ExperimentJson.Options) { WriteIndented = false };

    /// <summary>The keys of <paramref name="optionsType"/> (a class with a public parameterless constructor), in declaration order.</summary>
    public static IReadOnlyList<OptionDescription> Describe(Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(optionsType);
        var defaults = Activator.CreateInstance(optionsType)
                       ?? throw new ArgumentException($"{optionsType.FullName} has no public parameterless constructor", nameof(optionsType));
        return [.. ConfigKeys.Bindable(optionsType).Select(p => new OptionDescription(
            ConfigKeys.JsonName(p), TypeText(p.PropertyType),
            JsonSerializer.Serialize(p.GetValue(defaults), p.PropertyType, Compact),
            XmlDocs.Summary(p), p.GetCustomAttribute<SamplingTimeAttribute>() is not null))];
    }

    private static string TypeText(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } underlying) return TypeText(underlying) + " or null";
        if (type == typeof(string)) return "string";
        if (type == typeof(bool)) return "boolean";
        if (type == typeof(int) || type == typeof(long)) return "integer";
        if (type == typeof(double) || type == typeof(float)) return "number";
        if (type.IsEnum) return "one of " + string.Join(", ", ScalarParser.EnumNames(type));
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)) return "list of " + TypeText(type.GenericTypeArguments[0]);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>)) return "map of " + TypeText(type.GenericTypeArguments[1]);
        return "object";
    }
}
