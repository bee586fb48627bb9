using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Research.Core.Configuration;

/// <summary>
/// Reads one JSON document through Microsoft.Extensions.Configuration.Json (comments and trailing commas
/// allowed, as that provider does) into flattened pairs, turning its exceptions into
/// <see cref="ConfigError"/>s that name the file and, for invalid JSON, the line and byte offset.
/// </summary>
internal static partial class JsonLayerReader
{
    /// <summary>
    /// The flattened pairs of a file, or null after adding an error. A missing file is reported against
    /// <paramref name="askedBy"/> at <paramref name="askedPath"/> (the <c>extends</c> key) when given.
    /// </summary>
    public static Dictionary<string, string?>? ReadFile(string fullPath, List<ConfigError> errors, string? askedBy = null, string askedPath = "")
    {
        if (!File.Exists(fullPath))
        {
            errors.Add(askedBy is null
                ? new ConfigError(fullPath, "", "file not found")
                : new ConfigError(askedBy, askedPath, $"cannot read '{fullPath}': file not found"));
            return null;
        }
        try
        {
            return Flatten(new ConfigurationBuilder().AddJsonFile(fullPath, optional: false, reloadOnChange: false).Build());
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException or JsonException)
        {
            errors.Add(ToError(fullPath, e, askedBy, askedPath));
            return null;
        }
    }

    /// <summary>The flattened pairs of an in-memory document (a resolved configuration, a <c>--set</c> value).</summary>
    public static Dictionary<string, string?>? ReadString(string json, string source, List<ConfigError> errors, string path = "")
    {
        try
        {
            using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
            return Flatten(new ConfigurationBuilder().AddJsonStream(stream).Build());
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or JsonException)
        {
            var error = ToError(source, e, null, "");
            errors.Add(path.Length == 0 ? error : error with { Path = path });
            return null;
        }
    }

    private static Dictionary<string, string?> Flatten(IConfigurationRoot root)
    {
        // Only keys the provider holds (leaves); AsEnumerable also lists the implied parent sections.
        var provider = root.Providers.Single();
        var data = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, _) in root.AsEnumerable())
            if (provider.TryGet(key, out var value)) data[key] = value;
        return data;
    }

    private static ConfigError ToError(string file, Exception e, string? askedBy, string askedPath)
    {
        var chain = new List<Exception>();
        for (Exception? x = e; x != null; x = x.InnerException) chain.Add(x);
        if (chain.OfType<JsonException>().FirstOrDefault() is { } json)
        {
            // JsonException counts lines and bytes from 0; editors count lines from 1.
            var line = (json.LineNumber ?? 0) + 1;
            var reason = PositionSuffix().Replace(json.Message, "").Trim();
            return new ConfigError(file, "", $"invalid JSON at line {line}, byte offset {json.BytePositionInLine ?? 0}: {reason}");
        }
        if (chain.OfType<FormatException>().FirstOrDefault() is { } format)
            return DuplicateKey().Match(format.Message) is { Success: true } m
                ? new ConfigError(file, ConfigKeys.ToJsonPath(m.Groups[1].Value), "duplicate key (keys are case-insensitive in JSON configuration files)")
                : new ConfigError(file, "", format.Message);
        var reasonText = e is FileNotFoundException ? "file not found" : e.Message;
        return askedBy is null
            ? new ConfigError(file, "", $"cannot read the file: {reasonText}")
            : new ConfigError(askedBy, askedPath, $"cannot read '{file}': {reasonText}");
    }

    [GeneratedRegex(@"\s*(LineNumber|Path):.*$", RegexOptions.Singleline)]
    private static partial Regex PositionSuffix();

    [GeneratedRegex("duplicate key '(.+)'", RegexOptions.IgnoreCase)]
    private static partial Regex DuplicateKey();
}
