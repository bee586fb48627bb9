using Research.Core.Experiments;
using Research.Evaluation.Features.Inception;
using static TorchSharp.torch;

namespace Research.Evaluation.Features;

/// <summary>Builds the <see cref="IFeatureExtractor"/> an experiment's <c>evaluation.features</c> names.</summary>
public static class FeatureExtractorFactory
{
    /// <summary>
    /// Loads the extractor of <paramref name="options"/> (its path resolved against the working directory).
    /// <see cref="FileNotFoundException"/> for a missing file, <see cref="InvalidDataException"/> for one that is not
    /// the named extractor's weights; both name the file.
    /// </summary>
    public static IFeatureExtractor Load(FeatureExtractorOptions options, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled) throw new ArgumentException("No feature extractor is configured.", nameof(options));
        var path = Path.GetFullPath(options.Path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        return options.Type switch
        {
            "cnn" => CnnFeatureExtractor.Load(path, device),
            "inception" => InceptionFeatureExtractor.Load(path, options.Quantize, device),
            _ => throw new ArgumentException($"Unknown feature extractor type '{options.Type}'.", nameof(options)),
        };
    }

    /// <summary>Input channels the extractor accepts: the CNN's own; Inception takes grey (repeated) or RGB.</summary>
    public static bool Accepts(IFeatureExtractor extractor, long channels) => extractor switch
    {
        CnnFeatureExtractor cnn => cnn.Network.Options.InChannels == channels,
        _ => channels is 1 or 3,
    };
}
