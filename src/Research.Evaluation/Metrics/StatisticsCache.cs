using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Research.Core.IO;
using Research.Evaluation.Features;
using static TorchSharp.torch;

namespace Research.Evaluation.Metrics;

/// <summary>
/// Real-data feature statistics cached on disk per data set and feature extractor, under <c>.cache/stats/</c> by
/// default, so FID against the training set is computed once.
/// </summary>
/// <remarks>
/// The key is a SHA-256 over the data set key, a data-set identity string the caller composes (options, split,
/// sample count, seed: whatever changes the images) and the extractor's name, feature dimension and
/// <see cref="IFeatureExtractor.IdentityHash"/>, which covers every weight. A retrained or replaced extractor therefore
/// never reuses stale statistics. The file is <c>&lt;dataset&gt;-&lt;extractor&gt;-&lt;key[..16]&gt;.safetensors</c>; its
/// metadata repeats the full key and is checked on load, and a mismatching or unreadable file is recomputed.
/// </remarks>
public sealed class StatisticsCache
{
    /// <summary>Default cache folder, relative to the working directory.</summary>
    public const string DefaultRoot = ".cache/stats";

    /// <summary>Creates a cache rooted at <paramref name="root"/> (created on first write).</summary>
    public StatisticsCache(string root = DefaultRoot)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>Absolute cache folder.</summary>
    public string Root { get; }

    /// <summary>Lower-case hex SHA-256 cache key (see the type's remarks).</summary>
    public static string Key(string datasetKey, string datasetIdentity, IFeatureExtractor extractor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(datasetKey);
        ArgumentNullException.ThrowIfNull(datasetIdentity);
        ArgumentNullException.ThrowIfNull(extractor);
        var canonical = JsonSerializer.Serialize(new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["format"] = FeatureStatistics.FormatVersion,
            ["dataset"] = datasetKey,
            ["dataset_identity"] = datasetIdentity,
            ["extractor"] = extractor.Name,
            ["extractor_hash"] = extractor.IdentityHash,
            ["feature_dim"] = extractor.FeatureDim.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The file that holds (or would hold) the statistics of <paramref name="key"/>.</summary>
    public string PathFor(string datasetKey, IFeatureExtractor extractor, string key)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        return Path.Combine(Root, $"{Safe(datasetKey)}-{Safe(extractor.Name)}-{key[..Math.Min(16, key.Length)]}.safetensors");
    }

    /// <summary>
    /// The cached statistics for this data set and extractor, or <paramref name="compute"/>'s result, which is then
    /// saved. <paramref name="hit"/> tells which.
    /// </summary>
    public FeatureStatistics GetOrCompute(string datasetKey, string datasetIdentity, IFeatureExtractor extractor, Func<FeatureStatistics> compute, out bool hit)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var key = Key(datasetKey, datasetIdentity, extractor);
        var path = PathFor(datasetKey, extractor, key);
        if (TryLoad(path, key) is { } cached)
        {
            hit = true;
            return cached;
        }
        var computed = compute();
        if (computed.Dim != extractor.FeatureDim)
            throw new InvalidOperationException($"Computed statistics have dimension {computed.Dim}, the extractor {extractor.FeatureDim}.");
        computed.Save(path, new Dictionary<string, string>
        {
            ["cache_key"] = key, ["dataset"] = datasetKey, ["dataset_identity"] = datasetIdentity,
        });
        hit = false;
        return computed;
    }

    /// <summary>
    /// The cached real-data features <c>[N, d]</c> (float32 CPU, caller owns) for this data set and extractor, or
    /// <paramref name="compute"/>'s result, which is then saved beside the statistics
    /// (<c>&lt;dataset&gt;-&lt;extractor&gt;-&lt;key16&gt;.features.safetensors</c>, same key). KID and precision/recall need the
    /// features themselves, not only μ and Σ.
    /// </summary>
    public Tensor GetOrComputeFeatures(string datasetKey, string datasetIdentity, IFeatureExtractor extractor, Func<Tensor> compute, out bool hit)
    {
        ArgumentNullException.ThrowIfNull(compute);
        var key = Key(datasetKey, datasetIdentity, extractor);
        var path = Path.ChangeExtension(PathFor(datasetKey, extractor, key), ".features.safetensors");
        if (TryLoadFeatures(path, key, extractor.FeatureDim) is { } cached)
        {
            hit = true;
            return cached;
        }
        var computed = compute();
        if (computed.dim() != 2 || computed.shape[1] != extractor.FeatureDim)
        {
            computed.Dispose();
            throw new InvalidOperationException($"Computed features are not [N, {extractor.FeatureDim}].");
        }
        Directory.CreateDirectory(Root);
        using (var stored = computed.detach().to(float32, CPU).contiguous())
            AtomicFile.Write(path, s => SafeTensors.Write(s, [new("features", stored)], new Dictionary<string, string>
            {
                ["format"] = FeaturesFormatVersion, ["cache_key"] = key, ["dataset"] = datasetKey, ["dataset_identity"] = datasetIdentity,
                ["extractor"] = extractor.Name, ["extractor_hash"] = extractor.IdentityHash,
            }));
        hit = false;
        return computed;
    }

    /// <summary>Format tag of cached feature files.</summary>
    public const string FeaturesFormatVersion = "reference-features/1";

    private static Tensor? TryLoadFeatures(string path, string key, int dim)
    {
        if (!File.Exists(path)) return null;
        Dictionary<string, Tensor> tensors;
        Dictionary<string, string> metadata;
        try
        {
            (tensors, metadata) = SafeTensors.Read(path);
        }
        catch (InvalidDataException)
        {
            return null;
        }
        Tensor? result = null;
        if (metadata.GetValueOrDefault("cache_key") == key && tensors.TryGetValue("features", out var f)
            && f.dim() == 2 && f.shape[1] == dim && f.dtype == ScalarType.Float32)
            result = f;
        foreach (var t in tensors.Values.Where(t => !ReferenceEquals(t, result))) t.Dispose();
        return result;
    }

    /// <summary>The statistics at <paramref name="path"/> if the file exists, reads, and carries <paramref name="key"/>.</summary>
    private static FeatureStatistics? TryLoad(string path, string key)
    {
        if (!File.Exists(path)) return null;
        try
        {
            var stats = FeatureStatistics.Load(path, out var metadata);
            return metadata.GetValueOrDefault("cache_key") == key ? stats : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static string Safe(string name) =>
        new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());
}
