using Research.Core.Data;
using Research.Data.Images;
using Research.Evaluation.Features;
using Research.Evaluation.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Images;

/// <summary>
/// Scores image samples against real images in the feature space of one <see cref="IFeatureExtractor"/>: FID, KID,
/// improved precision and recall (k = 3) and, on request, the Inception Score (docs/methods.md §7). The reference set's
/// features and statistics are computed once (on first use) and cached on disk by data set and extractor identity.
/// </summary>
/// <remarks>
/// <para>FID: Heusel et al. 2017 (arXiv:1706.08500), the Fréchet distance of Gaussians fitted to both feature sets.
/// KID: Bińkowski et al. 2018 (arXiv:1801.01401), 100 subsets of min(1000, N, M) rows. Precision/recall:
/// Kynkäänniemi et al. 2019 (arXiv:1904.06991), Eq. 1–2, k = 3. IS: Salimans et al. 2016 (arXiv:1606.03498), 10 splits
/// as DDGAN.</para>
/// <para>Reference set: for an <see cref="ImageSet"/>, min(N, count) distinct images chosen by a permutation from a
/// fixed seed (<see cref="ReferenceSeed"/>, independent of the experiment seed, so every run on the same data shares
/// the cache), without flips; for another image source, draws from its <see cref="IDataSource.NextBatch"/> with that
/// seed. Samples are clamped to [−1, 1] first, as writing them to 8-bit images would.</para>
/// </remarks>
public sealed class ImageEvaluator : IDisposable
{
    /// <summary>Seed of the reference draw (part of the cache key).</summary>
    public const long ReferenceSeed = 0;

    private readonly IFeatureExtractor _extractor;
    private readonly IDataSource _data;
    private readonly ImageEvaluationSettings _settings;
    private Tensor? _referenceFeatures;        // [N, d] float32 CPU
    private FeatureStatistics? _referenceStatistics;

    /// <summary>Scores against <paramref name="data"/> (not owned) with <paramref name="extractor"/> (owned from now on).</summary>
    public ImageEvaluator(IFeatureExtractor extractor, IDataSource data, ImageEvaluationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        if (data.SampleShape.Length != 3)
            throw new ArgumentException($"Expected an image source ([C, H, W] samples), got [{string.Join(", ", data.SampleShape)}].", nameof(data));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.ReferenceImages, PrecisionRecall.DefaultK + 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BatchSize, 1);
        _extractor = extractor;
        _data = data;
        _settings = settings;
    }

    /// <summary>The extractor (owned).</summary>
    public IFeatureExtractor Extractor => _extractor;

    /// <summary>Whether the reference came from the cache (null until it was prepared).</summary>
    public bool? ReferenceFromCache { get; private set; }

    /// <summary>Images in the reference set (0 until it was prepared).</summary>
    public long ReferenceCount => _referenceFeatures?.shape[0] ?? 0;

    /// <summary>The cache key's data-set identity: the caller's plus the reference draw.</summary>
    public string ReferenceIdentity => $"{_settings.DatasetIdentity};reference_images={ReferenceSize};reference_seed={ReferenceSeed};draw={DrawKind}";

    private long ReferenceSize => _data is ImageSet set ? Math.Min(set.Count, _settings.ReferenceImages) : _settings.ReferenceImages;

    private string DrawKind => _data is ImageSet ? "permutation/1" : "next-batch/1";

    /// <summary>Loads or computes the reference features and statistics (done by the first <see cref="Score"/> otherwise).</summary>
    public void PrepareReference()
    {
        if (_referenceFeatures is not null) return;
        var cache = new StatisticsCache(_settings.CacheRoot);
        var features = cache.GetOrComputeFeatures(_settings.DatasetKey, ReferenceIdentity, _extractor, ComputeReferenceFeatures, out bool hit);
        try
        {
            _referenceStatistics = cache.GetOrCompute(_settings.DatasetKey, ReferenceIdentity, _extractor,
                () => FeatureStatistics.FromFeatures(features, _extractor.Name, _extractor.IdentityHash), out _);
        }
        catch
        {
            features.Dispose();
            throw;
        }
        _referenceFeatures = features.DetachFromDisposeScope();
        ReferenceFromCache = hit;
    }

    /// <summary>
    /// Metrics of <paramref name="samples"/> <c>[M, C, H, W]</c> (model space [−1, 1], M ≥ 4). <paramref name="seed"/>
    /// drives the KID subsets only.
    /// </summary>
    public ImageMetrics Score(Tensor samples, long seed)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.dim() != 4 || !samples.shape[1..].SequenceEqual(_data.SampleShape))
            throw new ArgumentException($"Expected samples [M, {string.Join(", ", _data.SampleShape)}], got [{string.Join(", ", samples.shape)}].", nameof(samples));
        if (samples.shape[0] <= PrecisionRecall.DefaultK)
            throw new ArgumentException($"{samples.shape[0]} samples are too few: precision/recall with k = {PrecisionRecall.DefaultK} needs at least {PrecisionRecall.DefaultK + 1}.", nameof(samples));
        PrepareReference();
        bool withIs = _settings.InceptionScore && _extractor.NumClasses > 0;
        using var clamped = samples.detach().clamp(-1, 1);
        using var generated = FeatureExtraction.Extract(_extractor, clamped, _settings.BatchSize, withProbabilities: withIs);
        var statistics = FeatureStatistics.FromFeatures(generated.Features, _extractor.Name, _extractor.IdentityHash);
        double fid = FrechetDistance.Compute(_referenceStatistics!, statistics);
        int subset = (int)Math.Min(KernelInceptionDistance.DefaultSubsetSize, Math.Min(_referenceFeatures!.shape[0], generated.Features.shape[0]));
        var kid = KernelInceptionDistance.Compute(_referenceFeatures, generated.Features, seed, subsetSize: subset);
        var pr = PrecisionRecall.Compute(_referenceFeatures, generated.Features);
        MeanStd? inceptionScore = withIs
            ? Metrics.InceptionScore.FromProbabilities(generated.Probabilities!, (int)Math.Min(Metrics.InceptionScore.DefaultSplits, generated.Features.shape[0]))
            : null;
        return new ImageMetrics(fid, kid, subset, pr, inceptionScore, _extractor.Name, _extractor.IdentityHash);
    }

    private Tensor ComputeReferenceFeatures()
    {
        long n = ReferenceSize;
        var parts = new List<Tensor>();
        try
        {
            using var generator = new Generator((ulong)ReferenceSeed);
            if (_data is ImageSet set)
            {
                using var order = randperm(set.Count, generator: generator);              // [N_set]
                for (long start = 0; start < n; start += _settings.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var index = order.narrow(0, start, Math.Min(_settings.BatchSize, n - start));
                    var images = set.Pixels.index_select(0, index).to_type(float32) / 127.5 - 1.0; // [B, C, H, W] in [−1, 1]
                    parts.Add(_extractor.Features(images).DetachFromDisposeScope());
                }
            }
            else
            {
                for (long start = 0; start < n; start += _settings.BatchSize)
                {
                    var batch = _data.NextBatch((int)Math.Min(_settings.BatchSize, n - start), generator);
                    using (batch.X0)
                    using (batch.Labels)
                        parts.Add(_extractor.Features(batch.X0));
                }
            }
            return cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _referenceFeatures?.Dispose();
        _extractor.Dispose();
    }
}
