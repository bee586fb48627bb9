using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Core.Layers;

/// <summary>
/// A 1-D convolution with the parameters, names and initialisation of <c>torch.nn.Conv1d</c> (<c>weight</c>
/// <c>[C_out, C_in, k]</c>, <c>bias</c> <c>[C_out]</c>, so state dicts stay those of PyTorch and guided-diffusion, whose
/// attention layers are 1×1 <c>Conv1d</c>s) that runs with channel counts rounded up to a multiple of
/// <see cref="ChannelPadding.Quantum"/> wherever <see cref="ChannelPadding.Applies"/>, as <see cref="SafeConv2d"/> does.
/// </summary>
/// <remarks>
/// Why: in bf16, libtorch 2.10's oneDNN 1×1 convolutions return wrong input gradients for odd output counts below 16
/// (an attention-pooled head's logit, <c>c_proj</c> C → 1) and wrong outputs for one input channel; padded to 16 they
/// match float64 (<see cref="ChannelPadding"/>, docs/toolchain.md, <c>SafeConvTests</c>). fp32 calls are libtorch's
/// unpadded <c>conv1d</c>, bit for bit what <c>nn.Conv1d</c> computes.
/// </remarks>
public sealed class SafeConv1d : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly long _stride, _padding;

    /// <summary>Same arguments and defaults as <c>nn.Conv1d</c> (zero padding).</summary>
    public SafeConv1d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool hasBias = true)
        : base("SafeConv1d")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outChannels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(kernelSize, 1);
        // Initialise exactly as nn.Conv1d does (Kaiming-uniform with a = √5, fan-in bias), then own the tensors.
        using (var reference = nn.Conv1d(inChannels, outChannels, kernelSize, stride, padding, bias: hasBias))
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

    /// <summary>Kernel length.</summary>
    public long KernelSize { get; }

    /// <summary>The weight <c>[C_out, C_in, k]</c>.</summary>
    public Parameter Weight => weight;

    /// <summary>The bias <c>[C_out]</c>, or null.</summary>
    public Parameter? Bias => bias;

    /// <summary>x <c>[B, C_in, L]</c> → <c>[B, C_out, L′]</c>.</summary>
    public override Tensor forward(Tensor x) =>
        ChannelPadding.Convolve(x, weight, bias, KernelSize, (xx, w, b) => nn.functional.conv1d(xx, w, b, stride: _stride, padding: _padding));
}
