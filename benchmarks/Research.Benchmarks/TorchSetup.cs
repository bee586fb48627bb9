using Research.Core.Runtime;

namespace Research.Benchmarks;

/// <summary>The process set-up training uses (allocator tuning, NNPACK off, deterministic kernels), with one intra-op thread.</summary>
internal static class TorchSetup
{
    /// <summary>Idempotent.</summary>
    public static void Initialize() => TorchRuntime.Initialize(deterministic: true, threads: 1);
}
