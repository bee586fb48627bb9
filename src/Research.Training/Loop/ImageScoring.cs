using System.Text.Json;
using Research.Core.Configuration;
using Research.Core.Data;
using Research.Core.Experiments;
using Research.Evaluation.Features;
using Research.Evaluation.Images;

namespace Research.Training.Loop;

/// <summary>
/// Builds a session's <see cref="ImageEvaluator"/> from <c>evaluation</c> when the session is built, so a missing or
/// unreadable feature-extractor file stops the run before training (docs/metrics.md, "Image metrics in runs").
/// </summary>
public static class ImageScoring
{
    /// <summary>JSON path of the extractor's weights file.</summary>
    public const string PathKey = "evaluation.features.path";

    /// <summary>
    /// Loads the extractor <paramref name="features"/> names; <see cref="ConfigException"/> naming
    /// <c>evaluation.features.path</c>, the file it came from and the weights file when that is missing or unreadable.
    /// </summary>
    public static IFeatureExtractor LoadExtractor(FeatureExtractorOptions features, IReadOnlyDictionary<string, string>? keySources)
    {
        var file = Path.GetFullPath(features.Path);
        try
        {
            return FeatureExtractorFactory.Load(features);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException([new ConfigError(SourceOf(keySources), PathKey, $"{file}: no such file (a '{features.Type}' extractor's weights: see docs/metrics.md)")]);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigError(SourceOf(keySources), PathKey, $"{file}: not readable as '{features.Type}' extractor weights: {e.Message}")]);
        }
    }

    private static string SourceOf(IReadOnlyDictionary<string, string>? keySources) =>
        keySources?.GetValueOrDefault(PathKey) ?? keySources?.GetValueOrDefault("evaluation.features") ?? "resolved configuration";

    /// <summary>
    /// The evaluator for image data with <c>evaluation.features</c> set; null when no extractor is configured.
    /// <see cref="ConfigException"/> (naming the key and the file) when the file is missing or is not that extractor's
    /// weights, when the extractor does not take the data's channels, or when the data are not images.
    /// </summary>
    public static ImageEvaluator? Create(ExperimentOptions o, IDataSource data, IReadOnlyDictionary<string, string>? keySources)
    {
        var features = o.Evaluation.Features;
        if (!features.Enabled) return null;
        string source = SourceOf(keySources);
        if (data.SampleShape.Length != 3)
            throw new ConfigException([new ConfigError(keySources?.GetValueOrDefault("evaluation.features.type") ?? source, "evaluation.features.type",
                $"'{features.Type}': only image data are scored with a feature extractor ('{o.Data.Type}' gives samples of shape [{string.Join(", ", data.SampleShape)}])")]);
        var file = Path.GetFullPath(features.Path);
        var extractor = LoadExtractor(features, keySources);
        try
        {
            long channels = data.SampleShape[0];
            if (!FeatureExtractorFactory.Accepts(extractor, channels))
                throw new ConfigException([new ConfigError(source, PathKey,
                    $"{file}: the '{extractor.Name}' extractor does not take {channels}-channel images ('{o.Data.Type}')")]);
            if (extractor is CnnFeatureExtractor { TrainedImageSize: { } trained } && trained != data.SampleShape[^1])
                throw new ConfigException([new ConfigError(source, PathKey,
                    $"{file}: the '{extractor.Name}' extractor was trained on {trained}×{trained} images but the data are " +
                    $"{data.SampleShape[^1]}×{data.SampleShape[^1]}, so its features and labels would be off; train one at this size " +
                    $"(research train-features --data {o.Data.Type} --image-size <side> --out <file>)")]);
            var identity = JsonSerializer.Serialize(o.Data.Options, o.Data.Options?.GetType() ?? typeof(object), ExperimentJson.Options);
            return new ImageEvaluator(extractor, data, new ImageEvaluationSettings(o.Data.Type, identity, o.Evaluation.ReferenceImages,
                features.BatchSize, o.Evaluation.InceptionScore, o.Evaluation.StatsCache));
        }
        catch
        {
            extractor.Dispose();
            throw;
        }
    }
}
