using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;

namespace Research.Core.Experiments;

/// <summary>
/// The network whose features image samples are scored in (FID, KID, precision/recall; its class probabilities for
/// the Inception Score). docs/metrics.md, docs/methods.md §7.
/// </summary>
/// <remarks>
/// The file is loaded when the session is built, before training: a missing or unreadable file is a configuration
/// error naming <c>evaluation.features.path</c> and the file. Metrics are comparable only between runs scored with the
/// same weights; the extractor's identity hash keys the cached real-data statistics.
/// </remarks>
public sealed class FeatureExtractorOptions : IValidatableOptions
{
    /// <summary>Extractor types.</summary>
    public static readonly string[] Types = ["", "cnn", "inception"];

    /// <summary>
    /// Empty = none (an image run then reports its sample grid and timing only, with a warning); <c>cnn</c> = a
    /// classifier written by <c>research train-features</c> (MNIST-scale data); <c>inception</c> = pytorch-fid's
    /// Inception-v3 weights converted to safetensors (docs/metrics.md shows how).
    /// </summary>
    public string Type { get; set; } = "";

    /// <summary>
    /// The weights file (safetensors). A relative path is resolved against the working directory, like
    /// <c>data.options.root</c> and <c>--data-root</c> (<c>research train-features</c> writes <c>.cache/features/&lt;data&gt;-cnn.safetensors</c>).
    /// </summary>
    public string Path { get; set; } = "";

    /// <summary>Inception only: round inputs to 8 bits first, as saving PNGs and reading them back does (pytorch-fid, DDGAN).</summary>
    public bool Quantize { get; set; } = true;

    /// <summary>Images per extractor call.</summary>
    [Range(1, 1_000_000)]
    public int BatchSize { get; set; } = 256;

    /// <summary>True when an extractor is configured.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool Enabled => Type.Length > 0;

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (!Types.Contains(Type)) yield return $"type: '{Type}' is not one of cnn, inception (or empty for none)";
        else if (Enabled && Path.Length == 0) yield return $"path: a '{Type}' extractor needs its weights file";
        else if (!Enabled && Path.Length > 0) yield return "type: path is set but type is empty (cnn or inception)";
    }
}
