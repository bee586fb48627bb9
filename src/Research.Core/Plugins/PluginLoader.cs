using System.Reflection;
using System.Runtime.Versioning;
using Microsoft.Extensions.DependencyInjection;
using Research.Core.Configuration;
using Research.Core.Registry;

namespace Research.Core.Plugins;

/// <summary>
/// Loads the plugin assemblies an experiment file names in <c>plugins</c> (read from its whole
/// <c>extends</c> chain, paths relative to the file naming them) and adds their registrations to a
/// container that already holds the built-ins. Only the named assemblies are loaded; nothing is scanned.
/// Every problem (missing file, not a .NET assembly, no or several entry types, built against another
/// framework version, a duplicate key) is a <see cref="ConfigException"/> naming the file and <c>plugins[i]</c>.
/// </summary>
public static class PluginLoader
{
    /// <summary>Loads the plugins of <paramref name="experimentFile"/> and registers them in <paramref name="services"/>.</summary>
    /// <exception cref="ConfigException">With every plugin problem.</exception>
    public static IServiceCollection AddPlugins(this IServiceCollection services, string experimentFile)
    {
        var errors = new List<ConfigError>();
        var root = ExtendsChain.Load(Path.GetFullPath(experimentFile), errors);
        if (errors.Count > 0 || root?.Child(Key) is not { Kind: ConfigKind.Array } plugins) return services; // the loader reports these
        var named = plugins.Items.Select((item, i) => (item, i))
            .Where(x => x.item is { Kind: ConfigKind.String, Text.Length: > 0 })
            .Select(x => (x.item.Text!, x.item.Origin.Source, ConfigKeys.Item(Key, x.i)));
        return services.AddPluginAssemblies(named);
    }

    /// <summary>
    /// Loads plugin assemblies named outside an experiment file (<c>research schema --plugin</c>); errors name
    /// <c>--plugin[i]</c> on the command line.
    /// </summary>
    /// <exception cref="ConfigException">With every plugin problem.</exception>
    public static IServiceCollection AddPluginFiles(this IServiceCollection services, IEnumerable<string> paths) =>
        services.AddPluginAssemblies(paths.Select((p, i) => (Path.GetFullPath(p), "command line", ConfigKeys.Item("--plugin", i))));

    private static IServiceCollection AddPluginAssemblies(this IServiceCollection services,
        IEnumerable<(string Path, string Source, string JsonPath)> named)
    {
        var errors = new List<ConfigError>();
        var keys = services.Select(d => d.ImplementationInstance).OfType<ComponentRegistration>()
            .ToDictionary(r => (r.Kind, r.Key), r => r.Origin);
        foreach (var (path, source, jsonPath) in named)
        {
            void Fail(string message) => errors.Add(new ConfigError(source, jsonPath, $"plugin '{path}': {message}"));
            if (Load(path, Fail) is not { } plugin) continue;
            var own = new ServiceCollection();
            try { plugin.Register(own); }
            catch (Exception e) { Fail($"{plugin.GetType().FullName}.Register threw {e.GetType().Name}: {e.Message}"); continue; }
            foreach (var d in own)
            {
                if (d.ImplementationInstance is ComponentRegistration r && !keys.TryAdd((r.Kind, r.Key), r.Origin))
                    Fail($"duplicate {r.Kind.ToString().ToLowerInvariant()} key '{r.Key}' (already registered by {keys[(r.Kind, r.Key)]})");
                else services.Add(d);
            }
        }
        if (errors.Count > 0) throw new ConfigException(errors);
        return services;
    }

    /// <summary>The configuration key of the plugin list.</summary>
    private const string Key = "plugins";

    private static IResearchPlugin? Load(string path, Action<string> fail)
    {
        if (!File.Exists(path)) { fail("file not found (build the plugin first: dotnet build <its csproj> -c Release)"); return null; }
        try { AssemblyName.GetAssemblyName(path); }
        catch (BadImageFormatException) { fail("not a .NET assembly"); return null; }
        var context = new PluginLoadContext(path);
        Assembly assembly;
        try { assembly = context.LoadFromAssemblyPath(path); }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException) { fail($"cannot be loaded: {e.Message}"); return null; }
        if (Incompatible(assembly) is { } why) { fail(why); return null; }
        Type[] types;
        try { types = assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e)
        {
            fail($"its types do not load against this framework (built against an incompatible version?): {e.LoaderExceptions.FirstOrDefault()?.Message}");
            return null;
        }
        var entries = types.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IResearchPlugin).IsAssignableFrom(t)).ToList();
        if (entries.Count != 1)
        {
            fail(entries.Count == 0 ? $"no type implements {nameof(IResearchPlugin)} (an assembly needs exactly one entry type)"
                : $"several entry types ({string.Join(", ", entries.Select(t => t.FullName))}); an assembly needs exactly one");
            return null;
        }
        if (entries[0].GetConstructor(Type.EmptyTypes) is null) { fail($"{entries[0].FullName} needs a public parameterless constructor"); return null; }
        return (IResearchPlugin)Activator.CreateInstance(entries[0])!;
    }

    /// <summary>Why the assembly cannot run here: a newer .NET, or another major version of a Research.* assembly.</summary>
    private static string? Incompatible(Assembly assembly)
    {
        var framework = assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName;
        if (framework is not null)
        {
            var name = new FrameworkName(framework);
            if (name.Identifier != ".NETCoreApp" || name.Version.Major > Environment.Version.Major)
                return $"built for {framework}; this host runs .NET {Environment.Version} (incompatible framework version)";
        }
        foreach (var reference in assembly.GetReferencedAssemblies().Where(r => r.Name?.StartsWith("Research.", StringComparison.Ordinal) == true))
        {
            var host = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == reference.Name)?.GetName().Version;
            if (host is not null && reference.Version is not null && reference.Version.Major != host.Major)
                return $"built against {reference.Name} {reference.Version}; this host has {host} (incompatible framework version)";
        }
        return null;
    }
}
