using Research.Core.Data;
using Research.Evaluation.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Features;

/// <summary>Runs an <see cref="IFeatureExtractor"/> over image tensors or a data source in batches.</summary>
public static class FeatureExtraction
{
    /// <summary>Features <c>[N, d]</c> of <paramref name="images"/> <c>[N, C, H, W]</c> in [−1, 1], <paramref name="batchSize"/> at a time.</summary>
    public static Tensor Features(IFeatureExtractor extractor, Tensor images, int batchSize = 256)
    {
        using var extracted = Extract(extractor, images, batchSize, withProbabilities: false);
        return extracted.Features.alias();
    }

    /// <summary>Logits <c>[N, K]</c> of <paramref name="images"/>, <paramref name="batchSize"/> at a time.</summary>
    public static Tensor Logits(IFeatureExtractor extractor, Tensor images, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        var parts = Batches(images, batchSize).Select(b => { using (b) return extractor.Logits(b); }).ToList();
        try
        {
            return cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>Features and, if <paramref name="withProbabilities"/>, softmax probabilities of <paramref name="images"/>.</summary>
    /// <param name="extractor">The feature extractor.</param>
    /// <param name="images">Images <c>[N, C, H, W]</c> in [−1, 1].</param>
    /// <param name="batchSize">Images per extractor call.</param>
    /// <param name="withProbabilities">Also the classifier head's softmax.</param>
    /// <param name="progress">Told (images done, N) before the first batch and after each (a progress display; it may throw
    /// <see cref="OperationCanceledException"/> to stop).</param>
    public static ExtractedFeatures Extract(IFeatureExtractor extractor, Tensor images, int batchSize = 256, bool withProbabilities = false,
        Action<long, long>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        var features = new List<Tensor>();
        var probabilities = new List<Tensor>();
        try
        {
            long done = 0, total = images.shape[0];
            progress?.Invoke(0, total);
            foreach (var batch in Batches(images, batchSize))
            {
                using (batch)
                {
                    done += batch.shape[0];
                    if (!withProbabilities) features.Add(extractor.Features(batch));
                    else
                    {
                        var (f, logits) = extractor.FeaturesAndLogits(batch);
                        features.Add(f);
                        using (logits) probabilities.Add(logits.softmax(1));
                    }
                }
                progress?.Invoke(done, total);
            }
            return new ExtractedFeatures(cat(features, 0), withProbabilities ? cat(probabilities, 0) : null);
        }
        finally
        {
            foreach (var t in features.Concat(probabilities)) t.Dispose();
        }
    }

    /// <summary>
    /// Streams <paramref name="count"/> images drawn from <paramref name="data"/> (its <see cref="IDataSource.NextBatch"/>,
    /// model space, which image sources keep in [−1, 1]) through <paramref name="extractor"/> into feature statistics.
    /// Draws come from a generator seeded with <paramref name="seed"/>; put count and seed in the cache key.
    /// </summary>
    public static FeatureStatistics StatisticsOf(IFeatureExtractor extractor, IDataSource data, long count, int batchSize, long seed)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (data.SampleShape.Length != 3) throw new ArgumentException($"Expected an image source ([C, H, W] samples), got [{string.Join(", ", data.SampleShape)}].", nameof(data));
        using var generator = new Generator((ulong)seed);
        using var accumulator = new FeatureStatisticsAccumulator();
        for (long done = 0; done < count;)
        {
            int size = (int)Math.Min(batchSize, count - done);
            var batch = data.NextBatch(size, generator);
            try
            {
                using var features = extractor.Features(batch.X0);
                accumulator.Add(features);
            }
            finally
            {
                batch.X0.Dispose();
                batch.Labels?.Dispose();
            }
            done += size;
        }
        return accumulator.ToStatistics(extractor.Name, extractor.IdentityHash);
    }

    /// <summary>Consecutive views of at most <paramref name="batchSize"/> rows (the caller disposes each).</summary>
    private static IEnumerable<Tensor> Batches(Tensor images, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (images.dim() != 4 || images.shape[0] == 0)
            throw new ArgumentException($"Expected images [N, C, H, W] with N ≥ 1, got [{string.Join(", ", images.shape)}].", nameof(images));
        for (long start = 0; start < images.shape[0]; start += batchSize)
            yield return images.narrow(0, start, Math.Min(batchSize, images.shape[0] - start));
    }
}
