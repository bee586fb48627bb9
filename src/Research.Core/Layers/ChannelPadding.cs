using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Layers;

/// <summary>
/// When the project's convolutions (<see cref="SafeConv1d"/>, <see cref="SafeConv2d"/>) round their channel counts up to a
/// multiple of <see cref="Quantum"/> before calling libtorch: the one rule both share, from the measurements in
/// docs/toolchain.md ("oneDNN is on" and "non-finite bf16 steps").
/// </summary>
/// <remarks>
/// libtorch 2.10's oneDNN (mkldnn) convolutions on these AVX-512 CPUs are wrong for channel counts that are not multiples
/// of 16, measured against float64 on the same rounded inputs:
/// <list type="bullet">
/// <item>spatial kernels (k &gt; 1), fp32 and bf16: wrong or NaN outputs and input gradients, at random;</item>
/// <item>1×1 kernels in bf16: wrong input gradients for odd output counts below 16 (1, 3, …, 15; every input count ≥ 2
/// tried, up to 192; 100 % relative error for one output channel, the logit of a pooled discriminator head) and wrong outputs for one input channel,
/// every time; uninitialised memory behind those gradients makes them NaN now and then;</item>
/// <item>1×1 kernels in fp32: right for every count from 1 to 48 in and out.</item>
/// </list>
/// Padded to multiples of 16, every case above matched float64. So spatial kernels are padded in every dtype and 1×1
/// kernels in reduced precision; fp32 1×1 convolutions keep libtorch's unpadded call, so fp32 results are unchanged.
/// </remarks>
public static class ChannelPadding
{
    /// <summary>The channel multiple at which oneDNN's convolutions are correct here.</summary>
    public const int Quantum = 16;

    /// <summary>Whether a convolution with this kernel size, on inputs of this dtype, runs on padded channel counts.</summary>
    public static bool Applies(long kernelSize, ScalarType dtype) =>
        kernelSize > 1 || dtype is ScalarType.BFloat16 or ScalarType.Float16;

    /// <summary><paramref name="channels"/> rounded up to a multiple of <see cref="Quantum"/>.</summary>
    public static long RoundUp(long channels) => (channels + Quantum - 1) / Quantum * Quantum;

    /// <summary>
    /// <paramref name="convolve"/>(x, weight, bias) on channel counts padded where <see cref="Applies"/>: the weight
    /// <c>[C_out, C_in, k…]</c>, the bias and the input <c>[B, C_in, …]</c> are zero-padded, the extra output channels
    /// dropped. The padded input channels meet zero weights and the padded outputs are discarded, so the result is the
    /// unpadded convolution's and gradients reach the real weights only.
    /// </summary>
    internal static Tensor Convolve(Tensor x, Tensor weight, Tensor? bias, long kernelSize, Func<Tensor, Tensor, Tensor?, Tensor> convolve)
    {
        long inChannels = weight.shape[1], outChannels = weight.shape[0];
        bool pad = Applies(kernelSize, x.dtype);
        long dIn = pad ? RoundUp(inChannels) - inChannels : 0;
        long dOut = pad ? RoundUp(outChannels) - outChannels : 0;
        if (dIn == 0 && dOut == 0) return convolve(x, weight, bias);
        using var scope = NewDisposeScope();
        // pad's list runs from the last dimension backwards: (0, 0) for each kernel dimension, then C_in, then C_out.
        int kernelDims = (int)weight.dim() - 2;
        long[] Pads(int skip, params long[] tail) => [.. new long[2 * skip], .. tail];
        var w = nn.functional.pad(weight, Pads(kernelDims, 0, dIn, 0, dOut));
        var b = bias is null ? null : nn.functional.pad(bias, [0, dOut]);
        var xp = dIn == 0 ? x : nn.functional.pad(x, Pads((int)x.dim() - 2, 0, dIn));
        var y = convolve(xp, w, b);
        return (dOut == 0 ? y : y.narrow(1, 0, outChannels)).MoveToOuterDisposeScope();
    }
}
