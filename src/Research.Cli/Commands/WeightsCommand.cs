using System.CommandLine;
using Research.Training.Runs;

namespace Research.Cli.Commands;

/// <summary>
/// <c>research weights export|import</c>: one network's weights to a plain safetensors state dict keyed by the network's
/// parameter names (for the UNet: guided-diffusion's state-dict keys), and from such a file or a PyTorch <c>.pt</c> / <c>.pth</c>.
/// </summary>
public static class WeightsCommand
{
    /// <summary>Builds the command group.</summary>
    public static Command Create(TextWriter stdout, TextWriter stderr)
    {
        var cmd = new Command("weights", "Export or import one network's weights as a safetensors state dict (reference key names)");
        cmd.Subcommands.Add(Export(stdout, stderr));
        cmd.Subcommands.Add(Import(stdout, stderr));
        return cmd;
    }

    private static Argument<string> Network() => new("network") { Description = "Network name, e.g. denoiser, generator, discriminator" };

    private static Option<string> CheckpointOption() => new("--checkpoint")
    { Description = "Checkpoint name under checkpoints/ or a path", DefaultValueFactory = _ => "latest" };

    private static Command Export(TextWriter stdout, TextWriter stderr)
    {
        var folder = CommonOptions.RunFolder();
        var network = Network();
        var output = new Argument<string>("out") { Description = "Output .safetensors file" };
        var ema = new Option<bool>("--ema") { Description = "Export the EMA weights (what sampling uses) instead of the live ones" };
        var checkpoint = CheckpointOption();
        var cmd = new Command("export", "Write a network's weights from a run's checkpoint to a safetensors file") { folder, network, output, ema, checkpoint };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            var ckpt = CheckpointWeights.Resolve(p.GetValue(folder)!, p.GetValue(checkpoint)!);
            int n = CheckpointWeights.Export(ckpt, p.GetValue(network)!, p.GetValue(output)!, p.GetValue(ema));
            stdout.WriteLine($"Exported {n} tensors of '{p.GetValue(network)}'{(p.GetValue(ema) ? " (EMA)" : "")} from {ckpt} to {p.GetValue(output)}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }

    private static Command Import(TextWriter stdout, TextWriter stderr)
    {
        var folder = CommonOptions.RunFolder();
        var network = Network();
        var input = new Argument<string>("in") { Description = "Input state dict: .safetensors, or a PyTorch .pt / .pth (torch.save; no pickled code is run)" };
        var key = new Option<string?>("--key") { Description = "In a PyTorch file holding more than a state dict: the key of the dict of tensors (nested keys joined by '/')" };
        var checkpoint = CheckpointOption();
        var name = new Option<string>("--as") { Description = "Name of the new checkpoint under checkpoints/", DefaultValueFactory = _ => "imported" };
        var keepEma = new Option<bool>("--keep-ema") { Description = "Leave the EMA weights as they are (default: replace them too, so sampling uses the import)" };
        var cmd = new Command("import", "Write a new checkpoint whose network weights come from a safetensors or PyTorch state dict (strict: same keys and shapes)")
            { folder, network, input, checkpoint, name, keepEma, key };
        cmd.SetAction(p => CommandErrors.Guard(stderr, () =>
        {
            var run = p.GetValue(folder)!;
            var ckpt = CheckpointWeights.Resolve(run, p.GetValue(checkpoint)!);
            var label = p.GetValue(name)!;
            if (label.Length == 0 || label.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || label.Contains('.'))
                throw new UsageException($"--as '{label}' is not a plain checkpoint name");
            if (!File.Exists(p.GetValue(input))) throw new FileNotFoundException($"{p.GetValue(input)}: no such file");
            var target = Path.Combine(run, "checkpoints", label + ".safetensors");
            int n = CheckpointWeights.Import(ckpt, p.GetValue(network)!, p.GetValue(input)!, target, p.GetValue(keepEma), p.GetValue(key));
            stdout.WriteLine($"Imported {n} tensors into '{p.GetValue(network)}'{(p.GetValue(keepEma) ? "" : " and its EMA")}: {target}");
            stdout.WriteLine($"Use it with: research sample {run} --checkpoint {label}");
            return ExitCodes.Ok;
        }));
        return cmd;
    }
}
