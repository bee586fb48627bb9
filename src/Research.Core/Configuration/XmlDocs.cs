using System.Collections.Concurrent;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Research.Core.Configuration;

/// <summary>
/// Reads the <c>&lt;summary&gt;</c> of types and properties from the XML documentation file the build writes beside each
/// assembly (<c>Research.Core.xml</c> next to <c>Research.Core.dll</c>), as one line of plain text: <c>&lt;c&gt;x&lt;/c&gt;</c>
/// becomes x, a <c>&lt;see cref&gt;</c> its member's name. No file or no entry: null.
/// </summary>
internal static partial class XmlDocs
{
    private static readonly ConcurrentDictionary<Assembly, IReadOnlyDictionary<string, string>> Files = new();

    /// <summary>The summary of <paramref name="type"/>, or null.</summary>
    public static string? Summary(Type type) => Lookup(type.Assembly, "T:" + Name(type));

    /// <summary>The summary of <paramref name="property"/>, or null.</summary>
    public static string? Summary(PropertyInfo property) =>
        Lookup(property.DeclaringType!.Assembly, $"P:{Name(property.DeclaringType!)}.{property.Name}");

    private static string Name(Type type) => (type.FullName ?? type.Name).Replace('+', '.');

    private static string? Lookup(Assembly assembly, string member) =>
        Files.GetOrAdd(assembly, Read).TryGetValue(member, out var text) ? text : null;

    private static IReadOnlyDictionary<string, string> Read(Assembly assembly)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (assembly.IsDynamic || assembly.Location.Length == 0) return result;
        var file = Path.ChangeExtension(assembly.Location, ".xml");
        if (!File.Exists(file)) return result;
        try
        {
            foreach (var member in XDocument.Load(file).Descendants("member"))
                if (member.Attribute("name")?.Value is { } name && member.Element("summary") is { } summary)
                    result[name] = Plain(summary);
        }
        catch (System.Xml.XmlException)
        {
            // A damaged documentation file only costs the descriptions.
        }
        return result;
    }

    private static string Plain(XElement element)
    {
        var text = new StringBuilder();
        Append(element, text);
        return Spaces().Replace(text.ToString(), " ").Trim();
    }

    private static void Append(XElement element, StringBuilder text)
    {
        foreach (var node in element.Nodes())
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see when !see.Nodes().Any():
                    var cref = see.Attribute("cref")?.Value ?? see.Attribute("langword")?.Value ?? see.Attribute("href")?.Value ?? "";
                    text.Append(cref.Contains(':') && !cref.Contains("://") ? cref[(cref.IndexOf(':') + 1)..].Split('.')[^1] : cref);
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } p:
                    text.Append(p.Attribute("name")?.Value);
                    break;
                case XElement { Name.LocalName: "para" or "br" } para:
                    text.Append(' ');
                    Append(para, text);
                    text.Append(' ');
                    break;
                case XElement other:
                    Append(other, text);
                    break;
            }
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
