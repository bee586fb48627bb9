using System.Text.Json;

namespace Research.Core.Configuration;

/// <summary>
/// Turns <c>--set key=value</c> overrides into assignments applied last. Keys use JSON paths (<c>training.steps</c>,
/// <c>sampling[0].steps</c>). A value that parses as a JSON array or object is read as JSON (an array replaces, an object
/// merges); any other value is command-line text, which binds as a string, a number or a boolean alike
/// (<c>training.steps=64</c>, <c>deterministic=false</c>, <c>description=64</c>; a quoted JSON string loses its quotes).
/// An indexed key edits that element.
/// </summary>
internal static class SetOverrideParser
{
    /// <summary>The <see cref="ConfigError.Source"/> of keys set on the command line.</summary>
    public const string Source = "--set";

    /// <summary>The assignments in command-line order (later ones win), adding an error per malformed override.</summary>
    public static List<ConfigAssignment> Parse(IReadOnlyList<string> overrides, List<ConfigError> errors)
    {
        var origin = new KeyOrigin(Source);
        var result = new List<ConfigAssignment>();
        foreach (var item in overrides)
        {
            var eq = item.IndexOf('=');
            if (eq <= 0)
            {
                errors.Add(new ConfigError(Source, "", $"'{item}' is not key=value"));
                continue;
            }
            var path = item[..eq].Trim();
            if (!ConfigPath.IsKeyPath(path) || ConfigPath.Parse(path) is not { } segments)
            {
                errors.Add(new ConfigError(Source, path, "not a key path (write e.g. training.steps or sampling[0].steps)"));
                continue;
            }
            if (segments[0].Name == "extends")
            {
                errors.Add(new ConfigError(Source, path, "presets are chosen in the file, not on the command line"));
                continue;
            }
            if (Value(item[(eq + 1)..], origin, path, errors) is { } value) result.Add(new ConfigAssignment(path, segments, value));
        }
        return result;
    }

    private static ConfigNode? Value(string text, KeyOrigin origin, string path, List<ConfigError> errors)
    {
        JsonValueKind kind;
        string? scalar;
        try
        {
            using var document = JsonDocument.Parse(text);
            kind = document.RootElement.ValueKind;
            scalar = kind == JsonValueKind.String ? document.RootElement.GetString() : null;
        }
        catch (JsonException)
        {
            return ConfigNode.Scalar(ConfigKind.Text, text, origin);
        }
        return kind switch
        {
            JsonValueKind.Object or JsonValueKind.Array => JsonLayerReader.ReadValue(text, Source, errors, path),
            JsonValueKind.Null => ConfigNode.Scalar(ConfigKind.Null, null, origin),
            JsonValueKind.String => ConfigNode.Scalar(ConfigKind.Text, scalar, origin),
            _ => ConfigNode.Scalar(ConfigKind.Text, text.Trim(), origin),
        };
    }
}
