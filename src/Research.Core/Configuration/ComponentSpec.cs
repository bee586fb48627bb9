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
}
