namespace Research.Training.Benchmarks;

/// <summary>Trainer step time of one run in fp32 and in bf16 (fp32 master weights), same batch, interleaved windows.</summary>
/// <param name="Run">Run name.</param>
/// <param name="Family">Parameterization key.</param>
/// <param name="Backbone">Backbone key.</param>
/// <param name="BatchSize">Batch size of both.</param>
/// <param name="StepsPerWindow">Steps per timed window.</param>
/// <param name="Fp32">Milliseconds per step with <c>precision = fp32</c>.</param>
/// <param name="Bf16">Milliseconds per step with <c>precision = bf16</c>.</param>
public sealed record PrecisionBenchResult(string Run, string Family, string Backbone, int BatchSize, int StepsPerWindow,
    IntervalStats Fp32, IntervalStats Bf16)
{
    /// <summary>bf16 step time over fp32 step time (below 1: bf16 is faster).</summary>
    public double Bf16OverFp32 => Bf16.Median / Fp32.Median;
}
