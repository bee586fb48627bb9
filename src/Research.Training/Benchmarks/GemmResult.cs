namespace Research.Training.Benchmarks;

/// <summary>GEMM throughput of one setting.</summary>
/// <param name="Dtype">Element type (float32, bfloat16).</param>
/// <param name="Threads">Intra-op threads.</param>
/// <param name="Size">n of the n × n products.</param>
/// <param name="BestGflops">Best window, GFLOP/s (the reference for "share of the limit").</param>
/// <param name="MedianGflops">Median window, GFLOP/s.</param>
public sealed record GemmResult(string Dtype, int Threads, int Size, double BestGflops, double MedianGflops);
