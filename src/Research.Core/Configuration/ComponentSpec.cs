using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;

namespace Research.Core.Configuration;

/// <summary>
/// <c>{ "type": "&lt;registered key&gt;", "options": { … } }</c>: selects a registered component and
/// holds its options, bound into the options type the component registered (defaults filled).
/// </summary>
public sealed class ComponentSpec
{
    /// <summary>The permanent registry key.</summary>
    public string Type { get; set; } = "";

    /// <summary>The component's own options object (its registered type), never null after binding.</summary>
    public object? Options { get; set; }

    /// <summary>
    /// Backbones only: options per network role. A role may also name another registered backbone with its own
    /// <c>type</c> key (<c>"roles": { "discriminator": { "type": "ddgan-discriminator", "ngf": 32 } }</c>); its entry is then
    /// a <see cref="RoleComponent"/> with that type's options, bound from the type's defaults (the shared options belong to
    /// the other type). Otherwise: options per network role (<c>"roles": { "discriminator": { … } }</c>), each the shared
    /// <see cref="Options"/> with the role's keys bound on top. DDGAN, for example, gives its discriminator a wider
    /// time embedding than its generator (docs/methods.md §4.5). Empty when no role overrides anything.
    /// </summary>
    [ConfigurationKeyName("roles")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<string, object>? RoleOptions { get; set; }

    /// <summary>The options a network of role <paramref name="role"/> is built with.</summary>
    public object OptionsFor(string role) =>
        RoleOptions is not null && RoleOptions.TryGetValue(role, out var o) ? o is RoleComponent c ? c.Options : o
        : Options ?? throw new InvalidOperationException($"component '{Type}' has no bound options");

    /// <summary>The registered type a network of role <paramref name="role"/> is built as: <see cref="Type"/> unless the role names its own.</summary>
    public string TypeFor(string role) =>
        RoleOptions is not null && RoleOptions.TryGetValue(role, out var o) && o is RoleComponent c ? c.Type : Type;
}
