using Research.Core.Configuration;
using Research.Core.Data;
using Research.Core.Experiments;
using Research.Evaluation.Features;
using Research.Evaluation.Images;

namespace Research.Training.Loop;

/// <summary>
/// Builds a session's <see cref="StackedModeCount"/> from <c>evaluation.mode_count</c> when the session is built, so a
/// missing or unsuitable MNIST classifier stops the run before training (docs/metrics.md, "StackedMNIST modes").
/// </summary>
public static class ModeScoring
{
    /// <summary>JSON path of the classifier's weights file.</summary>
    public const string ClassifierKey = "evaluation.mode_count.classifier";

    /// <summary>JSON path of the switch.</summary>
    public const string EnabledKey = "evaluation.mode_count.enabled";

    /// <summary>
    /// The mode count, or null when <c>evaluation.mode_count.enabled</c> is false. <see cref="ConfigException"/> naming
    /// the key and the file when the data are not three-channel images with 1000 classes, or the classifier file is
    /// missing, unreadable, not a 1-channel 10-class CNN, or trained at another image size than the data's.
    /// </summary>
    public static StackedModeCount? Create(ExperimentOptions o, IDataSource data, IReadOnlyDictionary<string, string>? keySources)
    {
        var options = o.Evaluation.ModeCount;
        if (!options.Enabled) return null;
        string source = keySources?.GetValueOrDefault(ClassifierKey) ?? keySources?.GetValueOrDefault(EnabledKey) ?? "resolved configuration";
        if (data.SampleShape is not [3, _, _] || data.NumClasses != 1000)
            throw new ConfigException([new ConfigError(keySources?.GetValueOrDefault(EnabledKey) ?? source, EnabledKey,
                $"'{o.Data.Type}' gives samples of shape [{string.Join(", ", data.SampleShape)}] with {data.NumClasses} classes: the mode count " +
                "needs StackedMNIST-like data (three channels, 1000 classes)")]);
        var file = Path.GetFullPath(options.Classifier);
        CnnFeatureExtractor classifier;
        try
        {
            classifier = CnnFeatureExtractor.Load(options.Classifier);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ConfigException([new ConfigError(source, ClassifierKey,
                $"{file}: no such file (train it: research train-features --data mnist --image-size {SideArgument(data)} --out {options.Classifier})")]);
        }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigException([new ConfigError(source, ClassifierKey, $"{file}: not readable as a research train-features classifier: {e.Message}")]);
        }
        try
        {
            string? problem = classifier.NumClasses != 10 || classifier.Network.Options.InChannels != 1
                ? $"the classifier takes {classifier.Network.Options.InChannels}-channel images with {classifier.NumClasses} classes; the mode count needs an MNIST digit classifier (1 channel, 10 classes)"
                : classifier.TrainedImageSize is { } trained && trained != data.SampleShape[^1]
                    ? $"the classifier was trained on {trained}×{trained} digits but the data are {data.SampleShape[^1]}×{data.SampleShape[^1]}; " +
                      $"train one at this size (research train-features --data mnist --image-size {SideArgument(data)} --out <file>)"
                    : null;
            if (problem is not null) throw new ConfigException([new ConfigError(source, ClassifierKey, $"{file}: {problem}")]);
            // τ as for single images (ImageScoring): evaluation.recognisable_threshold, else the one stored with the classifier.
            return new StackedModeCount(classifier, options.BatchSize, o.Evaluation.RecognisableThreshold ?? classifier.RecognisableThreshold);
        }
        catch
        {
            classifier.Dispose();
            throw;
        }
    }

    // MNIST's files are 28×28: --image-size 0 means the files' own size.
    private static string SideArgument(IDataSource data) => data.SampleShape[^1] == 28 ? "0" : data.SampleShape[^1].ToString(System.Globalization.CultureInfo.InvariantCulture);
}
