using System.Diagnostics;
using Research.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Features;

/// <summary>
/// Trains a <see cref="FeatureCnn"/> as a plain classifier (cross-entropy, Adam) on a labelled image
/// <see cref="IDataSource"/>, in model space ([−1, 1]), the space the extractor sees at evaluation time.
/// </summary>
public static class FeatureCnnTrainer
{
    /// <summary>
    /// Trains <paramref name="network"/> in place; <paramref name="progress"/> gets (step, mean loss since the last
    /// report) every <see cref="FeatureCnnTrainingOptions.LogEvery"/> steps. Minibatches come from a generator seeded
    /// with the options' seed. Leaves the network in eval mode.
    /// </summary>
    public static FeatureCnnTrainingReport Train(FeatureCnn network, IDataSource data, FeatureCnnTrainingOptions options, Action<int, double>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0) throw new ArgumentException(string.Join(" ", errors), nameof(options));
        if (data.NumClasses != network.Options.NumClasses)
            throw new ArgumentException($"The data have {data.NumClasses} classes, the network {network.Options.NumClasses}.", nameof(data));
        if (data.SampleShape.Length != 3 || data.SampleShape[0] != network.Options.InChannels)
            throw new ArgumentException($"Expected [{network.Options.InChannels}, H, W] images, the data give [{string.Join(", ", data.SampleShape)}].", nameof(data));

        var watch = Stopwatch.StartNew();
        using var generator = new Generator((ulong)options.Seed);
        using var optimizer = optim.Adam(network.parameters(), options.LearningRate);
        var losses = new List<double>(options.Steps);
        network.train();
        double sinceReport = 0;
        for (int step = 1; step <= options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            var batch = data.NextBatch(options.BatchSize, generator);
            var labels = batch.Labels ?? throw new InvalidOperationException("The data source returned a batch without labels.");
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(network.call(batch.X0), labels);
            loss.backward();
            optimizer.step();
            var value = loss.item<float>();
            losses.Add(value);
            sinceReport += value;
            if (options.LogEvery > 0 && step % options.LogEvery == 0)
            {
                progress?.Invoke(step, sinceReport / options.LogEvery);
                sinceReport = 0;
            }
        }
        network.eval();
        var accuracy = Accuracy(network, data, options.AccuracySamples, options.BatchSize, generator);
        return new FeatureCnnTrainingReport(losses, accuracy, watch.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// Fraction of every image of <paramref name="pixels"/> (uint8 <c>[N, C, H, W]</c>, as stored) that the network assigns
    /// to its label in <paramref name="labels"/> <c>[N]</c>: a deterministic pass over a whole held-out split.
    /// </summary>
    public static double AccuracyOnAll(FeatureCnn network, Tensor pixels, Tensor labels, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        long n = pixels.shape[0];
        if (n == 0 || labels.shape[0] != n) throw new ArgumentException($"Expected {n} > 0 images with as many labels, got {labels.shape[0]} labels.");
        network.eval();
        using var noGrad = no_grad();
        long correct = 0;
        for (long start = 0; start < n; start += batchSize)
        {
            using var scope = NewDisposeScope();
            long size = Math.Min(batchSize, n - start);
            var x = pixels.narrow(0, start, size).to_type(float32) / 127.5 - 1.0;   // model space [−1, 1], as ImageSet draws
            correct += network.call(x).argmax(1).eq(labels.narrow(0, start, size)).sum().item<long>();
        }
        return (double)correct / n;
    }

    /// <summary>
    /// Softmax probabilities <c>[N, K]</c> (float32, CPU) of every image of <paramref name="pixels"/> (uint8 <c>[N, C, H, W]</c>,
    /// as stored), mapped to model space as <see cref="AccuracyOnAll"/> does: what the judge's threshold τ is fixed from.
    /// </summary>
    public static Tensor ProbabilitiesOnAll(FeatureCnn network, Tensor pixels, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(pixels);
        network.eval();
        using var noGrad = no_grad();
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < pixels.shape[0]; start += batchSize)
            {
                using var scope = NewDisposeScope();
                var x = pixels.narrow(0, start, Math.Min(batchSize, pixels.shape[0] - start)).to_type(float32) / 127.5 - 1.0;
                parts.Add(network.call(x).softmax(1).to(float32, CPU).MoveToOuterDisposeScope());
            }
            return cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }

    /// <summary>Fraction of <paramref name="count"/> drawn images classified correctly (NaN when count is 0).</summary>
    public static double Accuracy(FeatureCnn network, IDataSource data, int count, int batchSize, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        if (count <= 0) return double.NaN;
        using var noGrad = no_grad();
        long correct = 0;
        for (int done = 0; done < count;)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(batchSize, count - done);
            var batch = data.NextBatch(size, generator);
            var predicted = network.call(batch.X0).argmax(1);
            correct += predicted.eq(batch.Labels!).sum().item<long>();
            done += size;
        }
        return (double)correct / count;
    }
}
