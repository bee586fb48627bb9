using System.Globalization;
using Research.Core.IO;
using static TorchSharp.torch;

namespace Research.Evaluation.Metrics;

/// <summary>
/// The Gaussian fitted to a feature set, as FID uses it: mean μ (d), covariance Σ (d×d, unbiased, N − 1 like
/// <c>np.cov</c> in pytorch-fid) and the sample count, in float64, with the identity of the extractor that produced
/// the features. Saved as safetensors (<c>mu</c>, <c>sigma</c> — pytorch-fid's <c>.npz</c> names — plus metadata).
/// </summary>
/// <remarks>Heusel et al. 2017 (FID, arXiv:1706.08500), §3: "the mean and covariance of the pool_3 activations".</remarks>
public sealed class FeatureStatistics
{
    /// <summary>Version of the file layout, stored in the metadata.</summary>
    public const string FormatVersion = "feature-statistics/1";

    /// <summary>Creates statistics from a mean (length d) and a row-major d×d covariance.</summary>
    public FeatureStatistics(double[] mean, double[] covariance, long count, string extractorName = "", string extractorHash = "")
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(covariance);
        if (mean.Length == 0) throw new ArgumentException("Empty mean.", nameof(mean));
        if (covariance.Length != (long)mean.Length * mean.Length)
            throw new ArgumentException($"Covariance has {covariance.Length} elements; a {mean.Length}-d mean needs {(long)mean.Length * mean.Length}.", nameof(covariance));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        Mean = mean;
        Covariance = covariance;
        Count = count;
        ExtractorName = extractorName ?? "";
        ExtractorHash = extractorHash ?? "";
    }

    /// <summary>Feature dimension d.</summary>
    public int Dim => Mean.Length;

    /// <summary>μ, length d.</summary>
    public double[] Mean { get; }

    /// <summary>Σ, row-major d×d, divided by N − 1.</summary>
    public double[] Covariance { get; }

    /// <summary>Number of feature vectors N.</summary>
    public long Count { get; }

    /// <summary>Name of the feature extractor (empty when unknown).</summary>
    public string ExtractorName { get; }

    /// <summary>Identity hash of the feature extractor (empty when unknown).</summary>
    public string ExtractorHash { get; }

    /// <summary>Fits μ and Σ to <paramref name="features"/> <c>[N, d]</c> (N ≥ 2, any float dtype; computed in float64).</summary>
    public static FeatureStatistics FromFeatures(Tensor features, string extractorName = "", string extractorHash = "")
    {
        ArgumentNullException.ThrowIfNull(features);
        var accumulator = new FeatureStatisticsAccumulator();
        accumulator.Add(features);
        return accumulator.ToStatistics(extractorName, extractorHash);
    }

    /// <summary>Writes <c>mu</c> [d] and <c>sigma</c> [d, d] (F64) with metadata; atomically (temp file + rename).</summary>
    public void Save(string path, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = FormatVersion,
            ["count"] = Count.ToString(CultureInfo.InvariantCulture),
            ["extractor"] = ExtractorName,
            ["extractor_hash"] = ExtractorHash,
        };
        if (extraMetadata is not null)
            foreach (var (k, v) in extraMetadata) metadata[k] = v;
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        using var mu = tensor(Mean);
        using var sigma = tensor(Covariance, [Dim, Dim]);
        AtomicFile.Write(full, s => SafeTensors.Write(s, [new("mu", mu), new("sigma", sigma)], metadata));
    }

    /// <summary>Reads a file written by <see cref="Save"/>; <see cref="InvalidDataException"/> if it is not one.</summary>
    public static FeatureStatistics Load(string path) => Load(path, out _);

    /// <summary>Reads a file written by <see cref="Save"/> and returns its metadata too.</summary>
    public static FeatureStatistics Load(string path, out IReadOnlyDictionary<string, string> metadata)
    {
        var (tensors, meta) = SafeTensors.Read(path);
        try
        {
            if (!tensors.TryGetValue("mu", out var mu) || !tensors.TryGetValue("sigma", out var sigma))
                throw new InvalidDataException($"{path}: not a feature-statistics file (needs tensors 'mu' and 'sigma').");
            if (mu.dim() != 1 || sigma.dim() != 2 || sigma.shape[0] != mu.shape[0] || sigma.shape[1] != mu.shape[0])
                throw new InvalidDataException($"{path}: 'mu' [{string.Join(", ", mu.shape)}] and 'sigma' [{string.Join(", ", sigma.shape)}] do not fit together.");
            if (!meta.TryGetValue("count", out var countText) || !long.TryParse(countText, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) || count < 2)
                throw new InvalidDataException($"{path}: metadata 'count' missing or below 2.");
            using var mu64 = mu.to(float64);
            using var sigma64 = sigma.to(float64).contiguous();
            metadata = meta;
            return new FeatureStatistics(mu64.data<double>().ToArray(), sigma64.data<double>().ToArray(), count,
                meta.GetValueOrDefault("extractor", ""), meta.GetValueOrDefault("extractor_hash", ""));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }
}
