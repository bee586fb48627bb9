using System.Reflection;
using System.Runtime.Loader;

namespace Research.Core.Plugins;

/// <summary>
/// Loads one plugin assembly and its private dependencies, sharing every assembly the host already has
/// (Research.Core, TorchSharp, the framework), so the plugin's <see cref="IResearchPlugin"/> and options
/// types are the host's own.
/// </summary>
internal sealed class PluginLoadContext(string pluginPath) : AssemblyLoadContext($"plugin:{Path.GetFileName(pluginPath)}")
{
    private readonly AssemblyDependencyResolver _resolver = new(pluginPath);

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName name)
    {
        if (Default.Assemblies.Any(a => AssemblyName.ReferenceMatchesDefinition(name, a.GetName()))
            || File.Exists(Path.Combine(AppContext.BaseDirectory, name.Name + ".dll")))
            return null; // the host's copy
        return _resolver.ResolveAssemblyToPath(name) is { } path ? LoadFromAssemblyPath(path) : null;
    }

    /// <inheritdoc />
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
        _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } path ? LoadUnmanagedDllFromPath(path) : IntPtr.Zero;
}
