using System.CommandLine;
using System.Runtime.Loader;
using Microsoft.Extensions.DependencyInjection;
using Research.Core.Configuration;
using Research.Core.Plugins;
using Research.Core.Registry;
using Research.Training;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research list [experiment] [--plugin DLL]…</c>: every registered family, backbone and dataset with its options —
/// key, type, default and documentation. The built-ins always; plugin assemblies named with <c>--plugin</c> or in the
/// experiment file's <c>plugins</c> (its whole <c>extends</c> chain) too, each entry marked with the file it came from.
/// </summary>
public static class ListCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var experiment = new Argument<string?>("experiment")
        {
            Description = "Also list the components of the plugins this experiment file names",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var plugins = new Option<string[]>("--plugin")
        {
            Description = "Also list the components of this plugin assembly (repeatable)",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var cmd = new Command("list", "List registered parameterizations, backbones and datasets with their options (type, default, description)")
            { experiment, plugins };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            var services = new ServiceCollection().AddComponentRegistry().AddBuiltInComponents();
            if (p.GetValue(experiment) is { } file)
            {
                if (!File.Exists(file)) throw new FileNotFoundException($"{file}: no such file");
                services.AddPlugins(file);
            }
            using var provider = services.AddPluginFiles(p.GetValue(plugins) ?? []).BuildServiceProvider();
            Write(stdout, provider.Registry());
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static void Write(TextWriter stdout, ComponentRegistry registry)
    {
        foreach (var (kind, section) in new[] { (ComponentKind.Parameterization, "parameterization"), (ComponentKind.Backbone, "backbone"), (ComponentKind.Dataset, "data") })
        {
            stdout.WriteLine($"{section}.type:");
            foreach (var e in registry.Entries(kind))
            {
                var assembly = e.OptionsType.Assembly;
                bool plugin = AssemblyLoadContext.GetLoadContext(assembly) != AssemblyLoadContext.Default;   // PluginLoader gives each plugin its own
                stdout.WriteLine($"  {e.Key}  — {e.Description}{(plugin ? $"  [plugin: {assembly.Location}]" : "")}");
                if (e.Networks.Count > 0)
                    stdout.WriteLine($"    networks: {string.Join(", ", e.Networks)}; EMA: {(e.EmaNetworks.Count > 0 ? string.Join(", ", e.EmaNetworks) : "none")}");
                var options = OptionsCatalog.Describe(e.OptionsType);
                stdout.WriteLine(options.Count == 0 ? $"    {section}.options: none" : $"    {section}.options:");
                foreach (var o in options)
                {
                    stdout.WriteLine($"      {o.Key} ({o.Type}; default {o.Default}{(o.SamplingTime ? "; sampling-time" : "")})");
                    if (o.Doc is { Length: > 0 } doc) stdout.WriteLine("          " + doc);
                }
            }
            stdout.WriteLine();
        }
    }
}
