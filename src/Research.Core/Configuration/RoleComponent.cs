using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Research.Core.Configuration;

/// <summary>
/// A network role built as another registered component than its section's <c>type</c>
/// (<c>backbone.roles.&lt;role&gt;.type</c>), with that component's bound options. Written back flat, as it is read:
/// <c>{ "type": "…", …options }</c>, so a resolved configuration binds to the same values.
/// </summary>
/// <param name="Type">The registered key of the role's component.</param>
/// <param name="Options">Its options object (the registered options type, defaults filled).</param>
[JsonConverter(typeof(RoleComponentJsonConverter))]
public sealed record RoleComponent(string Type, object Options);

/// <summary>Writes a <see cref="RoleComponent"/> as one flat object: <c>type</c>, then the options' keys.</summary>
internal sealed class RoleComponentJsonConverter : JsonConverter<RoleComponent>
{
    public override RoleComponent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("role components are bound by the strict configuration binder, not deserialized");

    public override void Write(Utf8JsonWriter writer, RoleComponent value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("type", value.Type);
        if (JsonSerializer.SerializeToNode(value.Options, value.Options.GetType(), options) is JsonObject fields)
            foreach (var (key, node) in fields)
            {
                writer.WritePropertyName(key);
                if (node is null) writer.WriteNullValue();
                else node.WriteTo(writer, options);
            }
        writer.WriteEndObject();
    }
}
