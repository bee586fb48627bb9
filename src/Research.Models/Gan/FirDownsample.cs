using static TorchSharp.torch;

namespace Research.Models.Gan;

/// <summary>
/// 2× downsampling with the FIR kernel [1, 3, 3, 1] (StyleGAN2 / NCSN++ <c>upfirdn2d.downsample2d</c>, the resampling of
/// DDGAN's generator and discriminator, docs/methods.md §4.6): the separable 4×4 kernel k⊗k/64, zero padding 1 on every side,
/// stride 2, per channel. Output side ⌊S/2⌋.
/// </summary>
/// <remarks>
/// Computed as three 2-tap box filters, the last with stride 2: [1,1]∗[1,1]∗[1,1] = [1,3,3,1], so
/// pad(1) → avg_pool(2, stride 1) → avg_pool(2, stride 1) → avg_pool(2, stride 2) is the same filter. Pooling needs no
/// depthwise convolution, which the oneDNN kernels on these CPUs get wrong for some channel counts (docs/toolchain.md).
/// </remarks>
public static class FirDownsample
{
    /// <summary>x <c>[B, C, H, W]</c> → <c>[B, C, ⌊H/2⌋, ⌊W/2⌋]</c>.</summary>
    public static Tensor Apply(Tensor x)
    {
        if (x.dim() != 4) throw new ArgumentException($"FIR downsampling needs [B, C, H, W], got [{string.Join(", ", x.shape)}]", nameof(x));
        if (x.shape[2] < 2 || x.shape[3] < 2) throw new ArgumentException($"FIR downsampling needs at least 2×2 positions, got {x.shape[2]}×{x.shape[3]}", nameof(x));
        using var scope = NewDisposeScope();
        var padded = nn.functional.pad(x, [1, 1, 1, 1]);
        var box = nn.functional.avg_pool2d(nn.functional.avg_pool2d(padded, 2, 1), 2, 1);
        return nn.functional.avg_pool2d(box, 2, 2).MoveToOuterDisposeScope();
    }
}
