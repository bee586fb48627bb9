using System.Globalization;
using System.Text.Json;

namespace Research.Core.Configuration;

/// <summary>
/// Binds a scalar node into a property's type, strictly: a string property takes a JSON string, a number property a
/// JSON number (integers without fraction or exponent, finite, culture-invariant), a boolean true/false, an enum its
/// name as a string. A JSON string never stands for a number or boolean (<c>"64"</c>, <c>"true"</c> are errors);
/// command-line text (<see cref="ConfigKind.Text"/>) binds as whatever the property needs.
/// </summary>
internal static class ScalarParser
{
    /// <summary>Types bound from a single value.</summary>
    public static bool IsScalar(Type type) =>
        type == typeof(string) || type == typeof(bool) || type == typeof(int) || type == typeof(long)
        || type == typeof(double) || type == typeof(float) || type.IsEnum;

    /// <summary>"an integer", "a number", "one of a, b", … for messages.</summary>
    public static string Expected(Type type) =>
        type == typeof(string) ? "a string"
        : type == typeof(bool) ? "true or false"
        : type == typeof(int) ? "an integer"
        : type == typeof(long) ? "an integer"
        : type == typeof(double) || type == typeof(float) ? "a number"
        : type.IsEnum ? "one of " + string.Join(", ", EnumNames(type))
        : type.Name;

    /// <summary>Binds <paramref name="node"/>; on failure <paramref name="expected"/> says what would have fit.</summary>
    public static bool TryParse(Type type, ConfigNode node, out object? value, out string expected)
    {
        expected = Expected(type);
        value = null;
        var fits = node.Kind == ConfigKind.Text
                   || node.Kind == ConfigKind.String && (type == typeof(string) || type.IsEnum)
                   || node.Kind == ConfigKind.Number && IsNumber(type)
                   || node.Kind == ConfigKind.Bool && type == typeof(bool);
        if (!fits) return false;
        var text = node.Text!;
        const NumberStyles integer = NumberStyles.AllowLeadingSign;
        var inv = CultureInfo.InvariantCulture;
        if (type == typeof(string)) value = text;
        else if (type == typeof(bool) && bool.TryParse(text, out var b)) value = b;
        else if (type == typeof(long) && long.TryParse(text, integer, inv, out var l)) value = l;
        else if (type == typeof(int) && int.TryParse(text, integer, inv, out var i)) value = i;
        else if (type == typeof(double) && double.TryParse(text, NumberStyles.Float, inv, out var d) && double.IsFinite(d)) value = d;
        else if (type == typeof(float) && float.TryParse(text, NumberStyles.Float, inv, out var f) && float.IsFinite(f)) value = f;
        else if (type.IsEnum) value = ParseEnum(type, text);

        if (value is not null) return true;
        if (type == typeof(int) && long.TryParse(text, integer, inv, out _))
            expected = $"an integer from {int.MinValue} to {int.MaxValue}";
        else if ((type == typeof(double) || type == typeof(float)) && double.TryParse(text, NumberStyles.Float, inv, out _))
            expected = "a finite number" + (type == typeof(float) ? " within single precision" : "");
        return false;
    }

    /// <summary>
    /// <c>" (a JSON string: write 64 without quotes)"</c> for a string that would have fit as a number or boolean; else empty.
    /// </summary>
    public static string Hint(Type type, ConfigNode node) =>
        node.Kind == ConfigKind.String && (IsNumber(type) || type == typeof(bool))
        && TryParse(type, ConfigNode.Scalar(ConfigKind.Text, node.Text, node.Origin), out _, out _)
            ? $" (a JSON string: write {node.Text} without quotes)" : "";

    private static bool IsNumber(Type type) => type == typeof(int) || type == typeof(long) || type == typeof(double) || type == typeof(float);

    /// <summary>The JSON (snake_case) names of an enum's members.</summary>
    public static IEnumerable<string> EnumNames(Type type) =>
        Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName);

    private static object? ParseEnum(Type type, string text)
    {
        // Accept the snake_case JSON name (what the serializer writes) or the member name; never a number.
        foreach (var name in Enum.GetNames(type))
            if (JsonNamingPolicy.SnakeCaseLower.ConvertName(name) == text || string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                return Enum.Parse(type, name);
        return null;
    }
}
