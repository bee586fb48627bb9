namespace Research.Training.Benchmarks;

/// <summary>GEMM throughput of one setting.</summary>
/// <param name="Dtype">Element type (float32, bfloat16).</param>
/// <param name="Threads">Intra-op threads.</param>
/// <param name="Size">n of the n × n products (<see cref="GemmKernel.MatMul"/>), or the channels of the convolution (<see cref="GemmKernel.Conv3x3"/>).</param>
/// <param name="BestGflops">Best window, GFLOP/s (the reference for "share of the limit").</param>
/// <param name="MedianGflops">Median window, GFLOP/s.</param>
public sealed record GemmResult(string Dtype, int Threads, int Size, double BestGflops, double MedianGflops)
{
    /// <summary>What was timed: the matrix product or the 3 × 3 convolution.</summary>
    [System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<GemmKernel>))]
    public GemmKernel Kernel { get; init; } = GemmKernel.MatMul;
}
