using System.Diagnostics;
using static TorchSharp.torch;

namespace Research.Evaluation.Metrics;

/// <summary>
/// Times a sampling call the way the comparison tables report it: warm-up runs first (allocator, kernels, lazy
/// initialisation), then several timed runs; the median is robust to a noisy shared machine.
/// </summary>
public static class SamplingTimer
{
    /// <summary>
    /// Calls <paramref name="sample"/> <paramref name="warmups"/> + <paramref name="repeats"/> times, disposing each result,
    /// and times the last <paramref name="repeats"/> calls. <paramref name="numSamples"/> is what one call draws and
    /// <paramref name="nfe"/> the network evaluations per sample (from the sampler; recorded, not measured).
    /// </summary>
    public static SamplingCost Measure(Func<Tensor> sample, int numSamples, int nfe, int repeats = 3, int warmups = 1)
    {
        ArgumentNullException.ThrowIfNull(sample);
        ArgumentOutOfRangeException.ThrowIfLessThan(numSamples, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(nfe);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeats, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(warmups);
        for (int i = 0; i < warmups; i++)
        {
            using var warm = sample();
        }
        var runs = new double[repeats];
        for (int i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            using (var result = sample())
            {
                // Results on an accelerator are asynchronous; reading one element waits for the work.
                if (result.numel() > 0 && result.device_type != TorchSharp.DeviceType.CPU) _ = result.flatten()[0].item<float>();
            }
            runs[i] = watch.Elapsed.TotalMilliseconds;
        }
        return new SamplingCost(nfe, numSamples, runs, Median(runs));
    }

    /// <summary>Median of a non-empty list (mean of the middle pair for an even count).</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) throw new ArgumentException("No values.", nameof(values));
        var sorted = values.OrderBy(v => v).ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
