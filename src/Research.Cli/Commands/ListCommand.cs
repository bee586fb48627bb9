using System.CommandLine;
using System.Text.Json;
using Research.Core.Registry;

namespace Research.Cli.Commands;

/// <summary><c>research list</c>: every registered key with its options and their defaults.</summary>
public static class ListCommand
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>Builds the command.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var cmd = new Command("list", "List registered parameterizations, backbones and datasets with their options and defaults");
        cmd.SetAction(_ => CommandErrors.Guard(stderr, () =>
        {
            using var services = Services.Build();
            var registry = services.Registry();
            foreach (var (kind, section) in new[] { (ComponentKind.Parameterization, "parameterization"), (ComponentKind.Backbone, "backbone"), (ComponentKind.Dataset, "data") })
            {
                stdout.WriteLine($"{section}.type:");
                foreach (var e in registry.Entries(kind))
                {
                    stdout.WriteLine($"  {e.Key}  — {e.Description}");
                    if (e.Networks.Count > 0)
                        stdout.WriteLine($"    networks: {string.Join(", ", e.Networks)}; EMA: {(e.EmaNetworks.Count > 0 ? string.Join(", ", e.EmaNetworks) : "none")}");
                    var defaults = JsonSerializer.Serialize(Activator.CreateInstance(e.OptionsType), e.OptionsType, Json);
                    stdout.WriteLine($"    {section}.options (defaults):");
                    foreach (var line in defaults.Split('\n')) stdout.WriteLine("      " + line.TrimEnd());
                }
                stdout.WriteLine();
            }
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
