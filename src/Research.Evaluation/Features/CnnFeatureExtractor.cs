using System.Globalization;
using System.Text.Json;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Features;

/// <summary>
/// <see cref="IFeatureExtractor"/> over a trained <see cref="FeatureCnn"/>: penultimate features and class logits.
/// Saved as safetensors with the architecture and the data set key in the metadata.
/// </summary>
public sealed class CnnFeatureExtractor : IFeatureExtractor
{
    /// <summary>Architecture and preprocessing version; part of the identity hash.</summary>
    public const string Version = "feature-cnn/1";

    /// <summary>Metadata key of <see cref="RecognisableThreshold"/>.</summary>
    public const string ThresholdKey = "recognisable_threshold";

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private readonly FeatureCnn _network;
    private readonly Device _device;

    /// <summary>Wraps <paramref name="network"/> (owned from now on) trained on the data set <paramref name="datasetKey"/>.</summary>
    public CnnFeatureExtractor(FeatureCnn network, string datasetKey, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetKey);
        _device = device ?? CPU;
        _network = network;
        _network.to(_device);
        _network.eval();
        DatasetKey = datasetKey;
    }

    /// <summary>
    /// Side of the images it was trained on (metadata <c>image_size</c>), or null for files that do not record it. A CNN
    /// trained on 32×32 padded digits misreads 28×28 ones (measured: 97.6 % vs 74.9 % held-out accuracy), so runs check it.
    /// </summary>
    public int? TrainedImageSize { get; init; }

    /// <summary>
    /// The judge's recognisable threshold τ (metadata <c>recognisable_threshold</c>): the confidence that 90 % of the real
    /// test images reach, fixed once when <c>research train-features</c> wrote the file; null for files without it.
    /// </summary>
    public double? RecognisableThreshold { get; init; }

    /// <summary>
    /// Its accuracy on every image of the test split (metadata <c>test_accuracy</c>, a fraction), measured when
    /// <c>research train-features</c> wrote the file; null for files without it.
    /// </summary>
    public double? TestAccuracy { get; init; }

    /// <summary>Registry key of the data set the classifier was trained on.</summary>
    public string DatasetKey { get; }

    /// <summary>The wrapped network.</summary>
    public FeatureCnn Network => _network;

    /// <inheritdoc />
    public string Name => $"cnn-{DatasetKey}";

    /// <inheritdoc />
    public int FeatureDim => _network.Options.FeatureDim;

    /// <inheritdoc />
    public int NumClasses => _network.Options.NumClasses;

    /// <inheritdoc />
    public string IdentityHash => ModelIdentity.Hash(Name, Version, _network);

    /// <inheritdoc />
    public Tensor Features(Tensor images)
    {
        using var noGrad = no_grad();
        using var x = Prepare(images);
        using var features = _network.Features(x);
        return features.to(float32, CPU);
    }

    /// <inheritdoc />
    public Tensor Logits(Tensor images)
    {
        using var noGrad = no_grad();
        using var x = Prepare(images);
        using var logits = _network.call(x);
        return logits.to(float32, CPU);
    }

    /// <inheritdoc />
    public (Tensor Features, Tensor Logits) FeaturesAndLogits(Tensor images)
    {
        using var noGrad = no_grad();
        using var x = Prepare(images);
        var (features, logits) = _network.FeaturesAndLogits(x);
        using (features)
        using (logits)
            return (features.to(float32, CPU), logits.to(float32, CPU));
    }

    /// <summary>Writes the weights and metadata (format, data set, architecture, <paramref name="extra"/>) atomically.</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? extra = null)
    {
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Version,
            ["dataset"] = DatasetKey,
            ["options"] = JsonSerializer.Serialize(_network.Options, Json),
        };
        if (TrainedImageSize is { } size) metadata["image_size"] = size.ToString(CultureInfo.InvariantCulture);
        if (RecognisableThreshold is { } tau) metadata[ThresholdKey] = tau.ToString("R", CultureInfo.InvariantCulture);
        if (extra is not null)
            foreach (var (k, v) in extra) metadata[k] = v;
        SafeTensorsWeights.Save(_network, path, metadata);
    }

    /// <summary>Loads a file written by <see cref="Save"/>; <see cref="InvalidDataException"/> if it is not one.</summary>
    public static CnnFeatureExtractor Load(string path, Device? device = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such feature-classifier file", path);
        var (tensors, metadata) = Core.IO.SafeTensors.Read(path);
        foreach (var t in tensors.Values) t.Dispose();
        if (metadata.GetValueOrDefault("format") != Version)
            throw new InvalidDataException($"{path}: not a feature classifier (metadata format '{metadata.GetValueOrDefault("format")}', expected '{Version}').");
        FeatureCnnOptions options;
        try
        {
            options = JsonSerializer.Deserialize<FeatureCnnOptions>(metadata.GetValueOrDefault("options", ""), Json)
                      ?? throw new InvalidDataException($"{path}: empty 'options' metadata.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: unreadable 'options' metadata: {e.Message}");
        }
        var network = new FeatureCnn(options);
        try
        {
            SafeTensorsWeights.Load(network, path);
            int? size = int.TryParse(metadata.GetValueOrDefault("image_size"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null;
            double? tau = double.TryParse(metadata.GetValueOrDefault(ThresholdKey), NumberStyles.Float, CultureInfo.InvariantCulture, out var t) && t is > 0 and < 1 ? t : null;
            double? accuracy = double.TryParse(metadata.GetValueOrDefault("test_accuracy"), NumberStyles.Float, CultureInfo.InvariantCulture, out var a) && a is >= 0 and <= 1 ? a : null;
            return new CnnFeatureExtractor(network, metadata.GetValueOrDefault("dataset", "unknown"), device)
            {
                TrainedImageSize = size, RecognisableThreshold = tau, TestAccuracy = accuracy,
            };
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _network.Dispose();

    /// <summary>Checks the shape and moves the images to the network's device as float32.</summary>
    private Tensor Prepare(Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        if (images.dim() != 4 || images.shape[1] != _network.Options.InChannels)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"Expected images [N, {_network.Options.InChannels}, H, W], got [{string.Join(", ", images.shape)}]."), nameof(images));
        return images.to(float32, _device);
    }
}
