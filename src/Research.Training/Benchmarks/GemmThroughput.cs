using System.Diagnostics;
using static TorchSharp.torch;

namespace Research.Training.Benchmarks;

/// <summary>
/// The machine's matrix-product throughput, the ceiling against which a training step's GFLOP/s is read: square
/// n × n products (<c>torch.mm</c>, 2n³ FLOPs each) timed for about a second per setting, at a given dtype and
/// intra-op thread count. The best of the timed windows is reported: the limit, not the typical, on a shared machine.
/// </summary>
public static class GemmThroughput
{
    /// <summary>Matrix size: large enough that one product runs at the library's sustained rate.</summary>
    public const int Size = 1024;

    /// <summary>Measures one setting and restores the process's thread count.</summary>
    public static GemmResult Measure(ScalarType dtype, int threads, bool quick)
    {
        int before = get_num_threads();
        set_num_threads(threads);
        try
        {
            using var scope = NewDisposeScope();
            using var g = new Generator(7);
            var a = randn([Size, Size], generator: g).to_type(dtype);
            var b = randn([Size, Size], generator: g).to_type(dtype);
            mm(a, b).Dispose();                                          // warm-up: packing buffers, kernels
            double flopsPerCall = 2.0 * Size * Size * Size;
            var sw = Stopwatch.StartNew();
            mm(a, b).Dispose();
            int perWindow = (int)Math.Clamp(Math.Round((quick ? 0.15 : 0.3) / Math.Max(sw.Elapsed.TotalSeconds, 1e-4)), 1, 10_000);
            var windows = new List<double>();
            for (int w = 0; w < (quick ? 3 : 5); w++)
            {
                sw.Restart();
                for (int i = 0; i < perWindow; i++) mm(a, b).Dispose();
                windows.Add(flopsPerCall * perWindow / sw.Elapsed.TotalSeconds / 1e9);
            }
            return new GemmResult(dtype.ToString().ToLowerInvariant(), threads, Size, windows.Max(), IntervalStats.Of(windows).Median);
        }
        finally { set_num_threads(before); }
    }
}
