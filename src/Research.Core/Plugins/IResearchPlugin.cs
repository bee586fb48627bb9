using Microsoft.Extensions.DependencyInjection;

namespace Research.Core.Plugins;

/// <summary>
/// The one entry type of an external plugin assembly named in an experiment file's <c>plugins</c>. It
/// registers its components through the same <c>Add…</c> calls as the built-ins
/// (<see cref="Registry.RegistrationExtensions.AddParameterization{TOptions}"/>, <c>AddBackbone</c>, <c>AddDataset</c>).
/// </summary>
/// <remarks>The implementing type needs a public parameterless constructor; an assembly holds exactly one.</remarks>
public interface IResearchPlugin
{
    /// <summary>Adds this plugin's registrations.</summary>
    void Register(IServiceCollection services);
}
