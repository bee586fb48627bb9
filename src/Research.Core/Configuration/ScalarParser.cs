using System.Globalization;
using System.Text.Json;

namespace Research.Core.Configuration;

/// <summary>
/// Parses the JSON provider's scalar text into a property's type, strictly: integers have no fraction or
/// exponent, numbers are finite and culture-invariant, booleans are true/false, enums are named.
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

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="expected"/> says what would have fit.</summary>
    public static bool TryParse(Type type, string text, out object? value, out string expected)
    {
        expected = Expected(type);
        value = null;
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
