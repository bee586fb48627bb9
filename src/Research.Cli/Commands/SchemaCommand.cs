using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Research.Core.Configuration;
using Research.Core.Plugins;
using Research.Core.Registry;
using Research.Training;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research schema</c>: the JSON Schema of experiment files (<see cref="ExperimentSchema"/>) for the built-in components and
/// the plugins named with <c>--plugin</c>; printed, or written atomically to <c>--out</c>. The repository keeps the built-ins'
/// schema as <see cref="CommittedPath"/>, which the shipped experiments name in <c>"$schema"</c>.
/// </summary>
public static class SchemaCommand
{
    /// <summary>The committed schema, relative to the repository root.</summary>
    public const string CommittedPath = "schemas/experiment.schema.json";

    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var output = new Option<string?>("--out") { Description = "Write the schema to this file instead of printing it" };
        var plugins = new Option<string[]>("--plugin")
        {
            Description = "Also describe the components of this plugin assembly (repeatable)",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var cmd = new Command("schema", $"Print the JSON Schema of experiment files (every family, backbone and dataset; {CommittedPath} " +
                                        "is the built-ins' copy that experiment files name in \"$schema\")") { output, plugins };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            using var services = new ServiceCollection().AddComponentRegistry().AddBuiltInComponents()
                .AddPluginFiles(p.GetValue(plugins) ?? []).BuildServiceProvider();
            var schema = ExperimentSchema.Generate(services.GetRequiredService<ComponentRegistry>());
            if (p.GetValue(output) is { } file)
            {
                Core.IO.AtomicFile.WriteAllText(file, schema);
                stderr.WriteLine($"Schema written to {file}");
            }
            else stdout.Write(schema);
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
