using Research.Core.Configuration;

namespace Research.Core.Experiments;

/// <summary>
/// Initial weights of one network (<c>training.init.&lt;network&gt;</c>), loaded before the optimizers and the EMA are
/// built: a research checkpoint (a run's <c>checkpoints/*.safetensors</c>, its live or EMA weights) or a plain
/// state dict with the network's own parameter names (<c>research weights export</c>, or guided-diffusion's keys for the
/// UNet) as safetensors or as a PyTorch <c>.pt</c> / <c>.pth</c> file (read without running pickled code). ADM trains its noisy classifier separately and guides a pretrained ε-model this way
/// (arXiv 2105.05233 §4); fine-tuning starts the same way. The match is strict: every key present, no extra key, same shapes.
/// </summary>
public sealed class NetworkInitOptions : IValidatableOptions
{
    /// <summary>The weights file, relative to the working directory (like every path of a run).</summary>
    public string Path { get; set; } = "";

    /// <summary>Network to take from a research checkpoint; empty = the same name as the network being initialised.</summary>
    public string Network { get; set; } = "";

    /// <summary>From a research checkpoint: <c>ema</c> (the averaged weights, what sampling uses) or <c>live</c>.</summary>
    public string Weights { get; set; } = "ema";

    /// <summary>In a PyTorch file holding more than a state dict: the key of the dict of tensors (nested keys joined by <c>/</c>); empty = the file is the state dict.</summary>
    public string Key { get; set; } = "";

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Path)) yield return "path: the weights file is required";
        if (Weights is not ("ema" or "live")) yield return $"weights: '{Weights}' is not one of ema, live";
    }
}
