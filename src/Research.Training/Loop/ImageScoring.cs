using System.Text.Json;
using Research.Core.Configuration;
using Research.Core.Data;
using Research.Core.Experiments;
using Research.Data.Images;
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

    /// <summary>JSON path of the reference split.</summary>
    public const string ReferenceSplitKey = "evaluation.reference_split";

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
    /// <param name="o">The experiment.</param>
    /// <param name="data">The data the run trains on.</param>
    /// <param name="keySources">Where each key came from (errors name the file).</param>
    /// <param name="testSplit">
    /// Opens the data set's test split (null when there is none), for <c>evaluation.reference_split: test</c>; the
    /// evaluator owns what it returns.
    /// </param>
    public static ImageEvaluator? Create(ExperimentOptions o, IDataSource data, IReadOnlyDictionary<string, string>? keySources,
        Func<IDataSource?>? testSplit = null)
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
            var e = o.Evaluation;
            IDataSource? test = null;
            object? referenceOptions = o.Data.Options;
            if (e.ReferenceSplit == ReferenceSplit.Test)
            {
                test = testSplit?.Invoke();
                if (test is null || o.Data.Options is not ImageDataOptions imageOptions)
                {
                    test?.Dispose();
                    throw new ConfigException([new ConfigError(keySources?.GetValueOrDefault(ReferenceSplitKey) ?? source, ReferenceSplitKey,
                        $"'test': the data set '{o.Data.Type}' has no readable test split (run: research data fetch {o.Data.Type})")]);
                }
                referenceOptions = imageOptions.HeldOut();
            }
            var identity = JsonSerializer.Serialize(referenceOptions, referenceOptions?.GetType() ?? typeof(object), ExperimentJson.Options);
            double? tau = e.RecognisableThreshold ?? (extractor as CnnFeatureExtractor)?.RecognisableThreshold;
            try
            {
                return new ImageEvaluator(extractor, data, new ImageEvaluationSettings(o.Data.Type, identity, e.ReferenceImages,
                    features.BatchSize, e.InceptionScore, e.StatsCache, e.PrecisionRecallK, tau), test);
            }
            catch
            {
                test?.Dispose();
                throw;
            }
        }
        catch
        {
            extractor.Dispose();
            throw;
        }
    }
}
