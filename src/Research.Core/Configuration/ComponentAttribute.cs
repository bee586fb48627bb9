using Research.Core.Registry;

namespace Research.Core.Configuration;

/// <summary>
/// Marks a <see cref="ComponentSpec"/> property: its <c>type</c> is looked up among the registered
/// components of <see cref="Kind"/>, and its <c>options</c> are bound into that component's options type.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ComponentAttribute(ComponentKind kind) : Attribute
{
    /// <summary>The registry section the key is looked up in.</summary>
    public ComponentKind Kind { get; } = kind;
}
