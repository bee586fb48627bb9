using Research.Core.Data;
using Research.Data.Images;
using Research.Evaluation.Features;
using Research.Evaluation.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Images;

/// <summary>
/// Scores image samples against real images in the feature space of one <see cref="IFeatureExtractor"/>: FID, KID,
/// improved precision and recall (k = 3 by default) and, on request, the Inception Score (docs/methods.md §7). The reference set's
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
    private readonly IDataSource _reference;
    private readonly bool _ownsReference;
    private readonly ImageEvaluationSettings _settings;
    private Tensor? _referenceFeatures;        // [N, d] float32 CPU
    private FeatureStatistics? _referenceStatistics;

    /// <summary>
    /// Scores against <paramref name="data"/> (not owned) with <paramref name="extractor"/> (owned from now on); with
    /// <paramref name="testSplit"/> (owned from now on: the data set's test split, same sample shape) the reference is
    /// every image of that split instead (<c>evaluation.reference_split: test</c>).
    /// </summary>
    public ImageEvaluator(IFeatureExtractor extractor, IDataSource data, ImageEvaluationSettings settings, IDataSource? testSplit = null)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(settings);
        if (data.SampleShape.Length != 3)
            throw new ArgumentException($"Expected an image source ([C, H, W] samples), got [{string.Join(", ", data.SampleShape)}].", nameof(data));
        if (testSplit is not null && !testSplit.SampleShape.SequenceEqual(data.SampleShape))
            throw new ArgumentException($"The test split gives [{string.Join(", ", testSplit.SampleShape)}] samples, the data [{string.Join(", ", data.SampleShape)}].", nameof(testSplit));
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.PrecisionRecallK, 1);
        if (testSplit is null) ArgumentOutOfRangeException.ThrowIfLessThan(settings.ReferenceImages, settings.PrecisionRecallK + 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.BatchSize, 1);
        if (settings.RecognisableThreshold is { } tau && !(tau > 0 && tau < 1))
            throw new ArgumentOutOfRangeException(nameof(settings), tau, "The recognisable threshold must lie in (0, 1).");
        _extractor = extractor;
        _data = data;
        _reference = testSplit ?? data;
        _ownsReference = testSplit is not null;
        _settings = settings;
    }

    /// <summary>
    /// Told (what, images done, images in all) while features are extracted: <c>reference features</c> (once, unless cached)
    /// and <c>sample features</c> (each <see cref="Score"/>); a progress display, which may throw
    /// <see cref="OperationCanceledException"/> between batches to stop. Null: nothing is told.
    /// </summary>
    public Action<string, long, long>? Progress { get; set; }

    /// <summary>The extractor (owned).</summary>
    public IFeatureExtractor Extractor => _extractor;

    /// <summary>Whether the reference came from the cache (null until it was prepared).</summary>
    public bool? ReferenceFromCache { get; private set; }

    /// <summary>Images in the reference set (0 until it was prepared).</summary>
    public long ReferenceCount => _referenceFeatures?.shape[0] ?? 0;

    /// <summary>The cache key's data-set identity: the caller's plus the reference draw.</summary>
    public string ReferenceIdentity => $"{_settings.DatasetIdentity};reference_images={ReferenceSize};reference_seed={ReferenceSeed};draw={DrawKind}";

    private long ReferenceSize => _reference is ImageSet set
        ? _ownsReference ? set.Count : Math.Min(set.Count, _settings.ReferenceImages)
        : _settings.ReferenceImages;

    private string DrawKind => _reference is ImageSet ? "permutation/1" : "next-batch/1";

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
    /// Metrics of <paramref name="samples"/> <c>[M, C, H, W]</c> (model space [−1, 1], M &gt; k). <paramref name="seed"/>
    /// drives the KID subsets only. With the requested <paramref name="labels"/> <c>[M]</c> (guided requests) also the
    /// intra-class diversity; with a classifier head the class KL and, given τ, the recognisable %.
    /// </summary>
    public ImageMetrics Score(Tensor samples, long seed, Tensor? labels = null)
    {
        int k = _settings.PrecisionRecallK;
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.dim() != 4 || !samples.shape[1..].SequenceEqual(_data.SampleShape))
            throw new ArgumentException($"Expected samples [M, {string.Join(", ", _data.SampleShape)}], got [{string.Join(", ", samples.shape)}].", nameof(samples));
        if (samples.shape[0] <= k)
            throw new ArgumentException($"{samples.shape[0]} samples are too few: precision/recall with k = {k} needs at least {k + 1}.", nameof(samples));
        PrepareReference();
        bool withIs = _settings.InceptionScore && _extractor.NumClasses > 0;
        bool judged = _extractor.NumClasses > 1;
        using var clamped = samples.detach().clamp(-1, 1);
        var progress = Progress;
        using var generated = FeatureExtraction.Extract(_extractor, clamped, _settings.BatchSize, withProbabilities: judged,
            progress is null ? null : (done, total) => progress("sample features", done, total));
        var statistics = FeatureStatistics.FromFeatures(generated.Features, _extractor.Name, _extractor.IdentityHash);
        double fid = FrechetDistance.Compute(_referenceStatistics!, statistics);
        int subset = (int)Math.Min(KernelInceptionDistance.DefaultSubsetSize, Math.Min(_referenceFeatures!.shape[0], generated.Features.shape[0]));
        var kid = KernelInceptionDistance.Compute(_referenceFeatures, generated.Features, seed, subsetSize: subset);
        var pr = PrecisionRecall.Compute(_referenceFeatures, generated.Features, k);
        MeanStd? inceptionScore = withIs
            ? Metrics.InceptionScore.FromProbabilities(generated.Probabilities!, (int)Math.Min(Metrics.InceptionScore.DefaultSplits, generated.Features.shape[0]))
            : null;
        var tau = judged ? _settings.RecognisableThreshold : null;
        return new ImageMetrics(fid, kid, subset, pr, inceptionScore, _extractor.Name, _extractor.IdentityHash)
        {
            PrecisionRecallK = k,
            RecognisableThreshold = tau,
            RecognisablePct = tau is { } t ? JudgeMetrics.RecognisablePercent(generated.Probabilities!, t) : null,
            ClassKl = judged ? JudgeMetrics.ClassKl(generated.Probabilities!) : null,
            IntraClassDiversity = labels is null ? null : JudgeMetrics.IntraClassDiversity(generated.Features, labels),
        };
    }

    /// <summary>
    /// The real-data row: the first min(<paramref name="count"/>, N) images of the data the run trains on, scored like
    /// samples against the same reference (with <c>reference_split: test</c>, a held-out real set). Null when the data
    /// are not an <see cref="ImageSet"/>.
    /// </summary>
    public ImageMetrics? ScoreRealData(int count, long seed)
    {
        if (_data is not ImageSet set) return null;
        using var scope = NewDisposeScope();
        var images = set.Pixels.narrow(0, 0, Math.Min(count, set.Count)).to_type(float32) / 127.5 - 1.0;   // model space [−1, 1]
        return Score(images, seed);
    }

    private Tensor ComputeReferenceFeatures()
    {
        long n = ReferenceSize;
        var parts = new List<Tensor>();
        try
        {
            using var generator = new Generator((ulong)ReferenceSeed);
            Progress?.Invoke("reference features", 0, n);
            if (_reference is ImageSet set)
            {
                using var order = randperm(set.Count, generator: generator);              // [N_set]
                for (long start = 0; start < n; start += _settings.BatchSize)
                {
                    using var scope = NewDisposeScope();
                    var index = order.narrow(0, start, Math.Min(_settings.BatchSize, n - start));
                    var images = set.Pixels.index_select(0, index).to_type(float32) / 127.5 - 1.0; // [B, C, H, W] in [−1, 1]
                    parts.Add(_extractor.Features(images).DetachFromDisposeScope());
                    Progress?.Invoke("reference features", Math.Min(start + _settings.BatchSize, n), n);
                }
            }
            else
            {
                for (long start = 0; start < n; start += _settings.BatchSize)
                {
                    var batch = _reference.NextBatch((int)Math.Min(_settings.BatchSize, n - start), generator);
                    using (batch.X0)
                    using (batch.Labels)
                        parts.Add(_extractor.Features(batch.X0));
                    Progress?.Invoke("reference features", Math.Min(start + _settings.BatchSize, n), n);
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
        if (_ownsReference) _reference.Dispose();
    }
}
