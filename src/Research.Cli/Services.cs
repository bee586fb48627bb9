using Microsoft.Extensions.DependencyInjection;
using Research.Core.Plugins;
using Research.Core.Registry;
using Research.Training;

namespace Research.Cli;

/// <summary>Composes the built-in components into the DI container the CLI resolves its registry from.</summary>
public static class Services
{
    /// <summary>A provider with every built-in family, backbone and dataset registered.</summary>
    public static ServiceProvider Build() =>
        new ServiceCollection().AddComponentRegistry().AddBuiltInComponents().BuildServiceProvider();

    /// <summary>
    /// A provider with the built-ins plus the plugin assemblies <paramref name="experimentFile"/> names in
    /// <c>plugins</c> (its whole <c>extends</c> chain); a bad plugin throws a ConfigException naming <c>plugins[i]</c>.
    /// </summary>
    public static ServiceProvider Build(string experimentFile) =>
        new ServiceCollection().AddComponentRegistry().AddBuiltInComponents().AddPlugins(experimentFile).BuildServiceProvider();

    /// <summary>The registry of built-in components.</summary>
    public static ComponentRegistry Registry(this IServiceProvider sp) => sp.GetRequiredService<ComponentRegistry>();
}
