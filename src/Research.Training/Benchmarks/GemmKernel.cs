namespace Research.Training.Benchmarks;

/// <summary>
/// How <see cref="GemmThroughput"/> measures the machine's multiply-add rate. The two reach libtorch's CPU kernels by
/// different roads: on this project's AMD EPYC machines <c>torch.mm</c> in fp32 runs at about half the rate of the
/// UNet's own 3 × 3 convolutions (docs/benchmarks.md), so a training step is read against the better of the two.
/// </summary>
public enum GemmKernel
{
    /// <summary><c>torch.mm</c> of two n × n matrices, n = 1024 (libtorch's BLAS path): 2n³ FLOPs a call.</summary>
    MatMul,

    /// <summary>
    /// A 3 × 3 convolution at the image UNet's shapes: batch 64, 64 → 64 channels, 14 × 14, padding 1 (the convolution
    /// path the networks take, oneDNN). FLOPs counted as a direct convolution, 2·B·C_in·C_out·9·H·W a call, as
    /// <c>FlopCounter</c> counts the network's, so a step and this limit are counted alike whatever algorithm the library
    /// picks.
    /// </summary>
    Conv3x3,
}
