using System.Diagnostics;
using static TorchSharp.torch;

namespace Research.Training.Benchmarks;

/// <summary>
/// The machine's multiply-add throughput, the ceiling against which a training step's GFLOP/s is read: n × n matrix
/// products (<c>torch.mm</c>) or 3 × 3 convolutions at the UNet's shapes (<see cref="GemmKernel"/>) timed for about a
/// second per setting, at a given dtype and intra-op thread count. The best of the timed windows is reported: the limit,
/// not the typical, on a shared machine.
/// </summary>
public static class GemmThroughput
{
    /// <summary>Matrix size: large enough that one product runs at the library's sustained rate.</summary>
    public const int Size = 1024;

    /// <summary>Batch, channels and side of <see cref="GemmKernel.Conv3x3"/> (the image UNet's middle level).</summary>
    private const int ConvBatch = 64, ConvChannels = 64, ConvSide = 14;

    /// <summary>Measures one setting and restores the process's thread count.</summary>
    public static GemmResult Measure(ScalarType dtype, int threads, bool quick, GemmKernel kernel = GemmKernel.MatMul)
    {
        int before = get_num_threads();
        set_num_threads(threads);
        try
        {
            using var scope = NewDisposeScope();
            using var g = new Generator(7);
            Func<Tensor> product;
            double flopsPerCall;
            int size;
            if (kernel == GemmKernel.MatMul)
            {
                var a = randn([Size, Size], generator: g).to_type(dtype);
                var b = randn([Size, Size], generator: g).to_type(dtype);
                product = () => mm(a, b);
                flopsPerCall = 2.0 * Size * Size * Size;
                size = Size;
            }
            else
            {
                var x = randn([ConvBatch, ConvChannels, ConvSide, ConvSide], generator: g).to_type(dtype);
                var w = randn([ConvChannels, ConvChannels, 3, 3], generator: g).to_type(dtype);
                product = () => nn.functional.conv2d(x, w, padding: [1, 1]);
                flopsPerCall = 2.0 * ConvBatch * ConvChannels * ConvChannels * 9 * ConvSide * ConvSide;
                size = ConvChannels;
            }
            product().Dispose();                                          // warm-up: packing buffers, kernels
            var sw = Stopwatch.StartNew();
            product().Dispose();
            int perWindow = (int)Math.Clamp(Math.Round((quick ? 0.15 : 0.3) / Math.Max(sw.Elapsed.TotalSeconds, 1e-4)), 1, 10_000);
            var windows = new List<double>();
            for (int r = 0; r < (quick ? 3 : 5); r++)
            {
                sw.Restart();
                for (int i = 0; i < perWindow; i++) product().Dispose();
                windows.Add(flopsPerCall * perWindow / sw.Elapsed.TotalSeconds / 1e9);
            }
            return new GemmResult(dtype.ToString().ToLowerInvariant(), threads, size, windows.Max(), IntervalStats.Of(windows).Median) { Kernel = kernel };
        }
        finally { set_num_threads(before); }
    }
}
