using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Research.Core.Configuration;

/// <summary>
/// Parses one JSON document (a file, a resolved configuration, a <c>--set</c> value) into a <see cref="ConfigNode"/>
/// with System.Text.Json: comments and trailing commas allowed, duplicate keys and nesting deeper than
/// <see cref="MaxDepth"/> refused. Problems become <see cref="ConfigError"/>s naming the file and, for invalid JSON,
/// the line and byte offset.
/// </summary>
internal static partial class JsonLayerReader
{
    /// <summary>The deepest JSON nesting accepted (System.Text.Json's default).</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = MaxDepth,
        AllowDuplicateProperties = false,
    };

    /// <summary>
    /// The top-level object of a file, or null after adding an error. A missing file is reported against
    /// <paramref name="askedBy"/> at <paramref name="askedPath"/> (the <c>extends</c> key) when given.
    /// </summary>
    public static ConfigNode? ReadFile(string fullPath, List<ConfigError> errors, string? askedBy = null, string askedPath = "")
    {
        byte[] bytes;
        (DateTime, long) stamp;
        try
        {
            var info = new FileInfo(fullPath);
            stamp = (info.LastWriteTimeUtc, info.Length);
            lock (Cache)
                if (Cache.TryGetValue(fullPath, out var cached) && cached.Stamp == stamp) return cached.Root;
            bytes = File.ReadAllBytes(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = e is FileNotFoundException or DirectoryNotFoundException ? "file not found" : e.Message;
            errors.Add(askedBy is null
                ? new ConfigError(fullPath, "", reason == "file not found" ? reason : $"cannot read the file: {reason}")
                : new ConfigError(askedBy, askedPath, $"cannot read '{fullPath}': {reason}"));
            return null;
        }
        var utf8 = bytes.AsMemory();
        if (utf8.Span.StartsWith(Encoding.UTF8.Preamble)) utf8 = utf8[Encoding.UTF8.Preamble.Length..];
        var root = Parse(utf8, fullPath, errors, "");
        if (root is not null)
            lock (Cache)
            {
                // Bounded: a long-lived process (the test host) must not keep every file it ever read.
                if (Cache.Count >= 64 || Cache.Values.Sum(c => c.Stamp.Item2) + bytes.Length > 256 << 20) Cache.Clear();
                Cache[fullPath] = (stamp, root);
            }
        return root;
    }

    // One parse per file per command: the plugin loader, the experiment loader and the sweep loader all read the chain.
    // Trees are immutable, so sharing them is safe; a file changed since (time or length) is read again.
    private static readonly Dictionary<string, ((DateTime, long) Stamp, ConfigNode Root)> Cache = new(StringComparer.Ordinal);

    /// <summary>An in-memory document: its top-level object, or null after adding an error at <paramref name="path"/>.</summary>
    public static ConfigNode? ReadString(string json, string source, List<ConfigError> errors, string path = "") =>
        Parse(Encoding.UTF8.GetBytes(json), source, errors, path);

    /// <summary>Any JSON value (a <c>--set</c> value), or null after adding an error naming <paramref name="source"/> and <paramref name="path"/>.</summary>
    public static ConfigNode? ReadValue(string json, string source, List<ConfigError> errors, string path)
    {
        try
        {
            return ConfigNode.FromElement(JsonDocument.Parse(json, Options).RootElement, new KeyOrigin(source));
        }
        catch (JsonException e)
        {
            errors.Add(ToError(source, path, e));
            return null;
        }
    }

    private static ConfigNode? Parse(ReadOnlyMemory<byte> utf8, string source, List<ConfigError> errors, string path)
    {
        JsonDocument document;
        try
        {
            // Not disposed: the tree reads its containers from the document lazily (the GC reclaims the buffer).
            document = JsonDocument.Parse(utf8, Options);
        }
        catch (JsonException e)
        {
            errors.Add(FindDuplicate(utf8.Span) is { } duplicate
                ? new ConfigError(source, duplicate.Path, $"duplicate key (line {duplicate.Line}; each key may appear once in an object)")
                : ToError(source, path, e));
            return null;
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            errors.Add(new ConfigError(source, path, $"expected a JSON object at the top level, got {ConfigNode.FromElement(document.RootElement, new KeyOrigin(source)).Describe()}"));
            return null;
        }
        return ConfigNode.FromElement(document.RootElement, new KeyOrigin(source));
    }

    private static ConfigError ToError(string source, string path, JsonException json)
    {
        // JsonException counts lines and bytes from 0; editors count lines from 1.
        var line = (json.LineNumber ?? 0) + 1;
        var reason = PositionSuffix().Replace(json.Message, "").Trim();
        return new ConfigError(source, path, $"invalid JSON at line {line}, byte offset {json.BytePositionInLine ?? 0}: {reason}");
    }

    // System.Text.Json refuses a duplicate key without saying where: find the first one, its JSON path and line.
    private static (string Path, int Line)? FindDuplicate(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = MaxDepth,
        });
        var scopes = new Stack<(string Path, HashSet<string>? Keys, int Index)>();
        var path = "";
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var at = ValuePath(scopes, path);
                        scopes.Push((at, reader.TokenType == JsonTokenType.StartObject ? new HashSet<string>(StringComparer.Ordinal) : null, 0));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        scopes.Pop();
                        Advance(scopes);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        var scope = scopes.Peek();
                        path = ConfigKeys.Child(scope.Path, name);
                        if (!scope.Keys!.Add(name))
                            return (path, utf8[..(int)reader.TokenStartIndex].Count((byte)'\n') + 1);
                        break;
                    default:
                        Advance(scopes);
                        break;
                }
            }
        }
        catch (JsonException)
        {
        }
        return null;

        // Where the value starting now sits: under the last key read, or at the array's next index.
        static string ValuePath(Stack<(string Path, HashSet<string>? Keys, int Index)> scopes, string lastKey) =>
            scopes.Count == 0 ? "" : scopes.Peek().Keys is null ? ConfigKeys.Item(scopes.Peek().Path, scopes.Peek().Index) : lastKey;

        static void Advance(Stack<(string Path, HashSet<string>? Keys, int Index)> scopes)
        {
            if (scopes.Count == 0 || scopes.Peek().Keys is not null) return;
            var array = scopes.Pop();
            scopes.Push(array with { Index = array.Index + 1 });
        }
    }

    [GeneratedRegex(@"\s*(LineNumber|Path):.*$", RegexOptions.Singleline)]
    private static partial Regex PositionSuffix();
}
