using static TorchSharp.torch;

namespace Research.Models.Gan;

/// <summary>
/// 2× downsampling with the FIR kernel [1, 3, 3, 1] (StyleGAN2 / NCSN++ <c>upfirdn2d.downsample2d</c>, the resampling of
/// DDGAN's generator and discriminator, docs/methods.md §4.6): the separable 4×4 kernel k⊗k/64, zero padding 1 on every side,
/// stride 2, per channel. Output side ⌊S/2⌋.
/// </summary>
/// <remarks>
/// <para>
/// Computed as three 2×2 box filters, the last with stride 2: [1,1]∗[1,1]∗[1,1] = [1,3,3,1], so
/// pad(1) → avg_pool(2, stride 1) → avg_pool(2, stride 1) → avg_pool(2, stride 2) is the same filter. Neither step needs a
/// depthwise convolution, which the oneDNN kernels on these CPUs get wrong for some channel counts (docs/toolchain.md).
/// </para>
/// <para>
/// Each box filter is written as four shifted strided views added in the order libtorch's CPU <c>avg_pool2d</c> kernel sums
/// a window, ((x₀₀ + x₀₁) + x₁₀) + x₁₁, then divided by 4: vectorised element-wise adds instead of the pooling kernel's
/// scalar per-window loop, 2–4× faster forward and backward here (docs/benchmarks.md), and bit-identical to the pooling
/// chain in fp32, forward, backward and R1's double backward (<c>FirDownsampleTests</c>). Before that change the discriminator
/// spent most of its time in these pools, which bf16 makes slower, not faster.
/// </para>
/// </remarks>
public static class FirDownsample
{
    /// <summary>x <c>[B, C, H, W]</c> → <c>[B, C, ⌊H/2⌋, ⌊W/2⌋]</c>.</summary>
    public static Tensor Apply(Tensor x)
    {
        if (x.dim() != 4) throw new ArgumentException($"FIR downsampling needs [B, C, H, W], got [{string.Join(", ", x.shape)}]", nameof(x));
        if (x.shape[2] < 2 || x.shape[3] < 2) throw new ArgumentException($"FIR downsampling needs at least 2×2 positions, got {x.shape[2]}×{x.shape[3]}", nameof(x));
        using var scope = NewDisposeScope();
        long h = x.shape[2], w = x.shape[3];
        var padded = nn.functional.pad(x, [1, 1, 1, 1]);                    // [B, C, H+2, W+2]
        var box = Box(Box(padded, 1, h + 1, w + 1), 1, h, w);                // [B, C, H, W]
        return Box(box, 2, h / 2, w / 2).MoveToOuterDisposeScope();
    }

    /// <summary>The reference formulation (three <c>avg_pool2d</c> calls), kept for tests and benchmarks.</summary>
    public static Tensor ApplyWithPooling(Tensor x)
    {
        using var scope = NewDisposeScope();
        var padded = nn.functional.pad(x, [1, 1, 1, 1]);
        var box = nn.functional.avg_pool2d(nn.functional.avg_pool2d(padded, 2, 1), 2, 1);
        return nn.functional.avg_pool2d(box, 2, 2).MoveToOuterDisposeScope();
    }

    // avg_pool2d(kernel 2, stride s) of p [B, C, H, W] with outH × outW windows: ((x00 + x01) + x10) + x11, then / 4.
    private static Tensor Box(Tensor p, long stride, long outH, long outW)
    {
        Tensor At(long dy, long dx) =>
            p.slice(2, dy, dy + (outH - 1) * stride + 1, stride).slice(3, dx, dx + (outW - 1) * stride + 1, stride);
        return At(0, 0).add(At(0, 1)).add(At(1, 0)).add(At(1, 1)).div(4);
    }
}
