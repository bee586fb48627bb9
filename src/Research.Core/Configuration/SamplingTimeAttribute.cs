namespace Research.Core.Configuration;

/// <summary>
/// Marks a family option that only affects sampling (the reverse variance of an ε-model, for instance): the networks and the
/// training stream do not depend on it, so a checkpoint never refuses a configuration that differs from its own only in such
/// options, and <c>research eval --set</c> may change them (docs/adding-a-parameterization.md, "Training-time and
/// sampling-time options"). Every other option of the architecture sections locks the checkpoint.
/// </summary>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class SamplingTimeAttribute : Attribute
{
    /// <summary>The JSON keys of <paramref name="optionsType"/>'s properties marked <see cref="SamplingTimeAttribute"/>.</summary>
    public static IReadOnlyList<string> Keys(Type optionsType) =>
        [.. ConfigKeys.Bindable(optionsType).Where(p => p.IsDefined(typeof(SamplingTimeAttribute), true)).Select(ConfigKeys.JsonName)];
}
