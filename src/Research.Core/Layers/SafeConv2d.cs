using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Core.Layers;

/// <summary>
/// A 2-D convolution with the parameters, names and initialisation of <c>torch.nn.Conv2d</c> (<c>weight</c>
/// <c>[C_out, C_in, k_h, k_w]</c>, <c>bias</c> <c>[C_out]</c>, so state dicts stay those of PyTorch and guided-diffusion)
/// that runs with channel counts rounded up to a multiple of <see cref="ChannelQuantum"/> wherever
/// <see cref="ChannelPadding.Applies"/> (every spatial kernel; 1×1 kernels in bf16): the weight and the input are
/// zero-padded, the extra output channels are dropped.
/// </summary>
/// <remarks>
/// Why: libtorch 2.10's oneDNN (mkldnn) convolution on these AVX-512 CPUs returns wrong or NaN input gradients for
/// 3×3 convolutions whose output channels are not a multiple of 16, and wrong forward values when the input channels
/// are 24, non-deterministically; in bf16 its 1×1 convolutions return wrong input gradients for odd output
/// counts below 16 (1, 3, …, 15) and wrong outputs for one input channel (measured against float64; <see cref="ChannelPadding"/>,
/// docs/toolchain.md, guarded by <c>SafeConvTests</c>). On multiples of 16 the oneDNN kernels are correct, and they
/// are 5–7× faster here than the native im2col kernels, so the runtime keeps oneDNN on. Padding with zeros changes no
/// result: the padded input channels meet zero weights, the padded output channels are discarded, and gradients flow to
/// the real weights only. fp32 1×1 convolutions were correct for every channel count and run unpadded.
/// </remarks>
public sealed class SafeConv2d : nn.Module<Tensor, Tensor>
{
    /// <summary>The channel multiple that oneDNN's spatial convolutions need to be correct here.</summary>
    public const int ChannelQuantum = ChannelPadding.Quantum;

    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly long _stride, _padding;

    /// <summary>Same arguments and defaults as <c>nn.Conv2d</c> (square kernel, zero padding).</summary>
    public SafeConv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool hasBias = true)
        : base("SafeConv2d")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        // Initialise exactly as nn.Conv2d does (Kaiming-uniform with a = √5, fan-in bias), then own the tensors.
        using (var reference = nn.Conv2d(inChannels, outChannels, kernelSize, stride, padding, bias: hasBias))
        using (no_grad())
        {
            weight = new Parameter(reference.weight!.detach().clone());
            bias = hasBias ? new Parameter(reference.bias!.detach().clone()) : null;
        }
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        _stride = stride;
        _padding = padding;
        RegisterComponents();
    }

    /// <summary>Input channels.</summary>
    public long InChannels { get; }

    /// <summary>Output channels.</summary>
    public long OutChannels { get; }

    /// <summary>Square kernel side.</summary>
    public long KernelSize { get; }

    /// <summary>The weight <c>[C_out, C_in, k, k]</c>.</summary>
    public Parameter Weight => weight;

    /// <summary>The bias <c>[C_out]</c>, or null.</summary>
    public Parameter? Bias => bias;

    /// <summary>x <c>[B, C_in, H, W]</c> → <c>[B, C_out, H′, W′]</c>.</summary>
    public override Tensor forward(Tensor x) =>
        ChannelPadding.Convolve(x, weight, bias, KernelSize, (xx, w, b) => nn.functional.conv2d(xx, w, b, strides: [_stride, _stride], padding: [_padding, _padding]));
}
