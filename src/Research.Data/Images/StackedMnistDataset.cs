using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.Images;

/// <summary>
/// StackedMNIST (Metz et al. 2017, arXiv:1611.02163; the mode-collapse benchmark of VEEGAN, PacGAN and DDGAN Table 3):
/// each image stacks three MNIST digits drawn independently as its R, G and B channels, so the data have
/// 10³ = 1000 equally likely modes. Label = 100·d_R + 10·d_G + d_B (<see cref="Label"/>, <see cref="Digits"/>).
/// </summary>
/// <remarks>
/// Built as DDGAN's official code builds it (read, not copied): channel c of image i is digit <c>index_c[i]</c> of the
/// MNIST split, where <c>index_c</c> concatenates independent random permutations of the split, R's orders drawn first,
/// then G's, then B's; the 28×28 digits are padded to 32×32 and scaled to [−1, 1]. Here the orders come from a
/// torch generator seeded with <see cref="StackedMnistOptions.Seed"/> (DDGAN's are unseeded), and the pool size is an
/// option (DDGAN: 2 × 60,000). The pool is materialised once as 8-bit pixels (<see cref="ImageSet"/>).
/// </remarks>
public static class StackedMnistDataset
{
    /// <summary>Registry key.</summary>
    public const string Key = "stacked-mnist";

    /// <summary>Number of modes (classes): 10³.</summary>
    public const int NumModes = 1000;

    /// <summary>The mode of digits (R, G, B): 100·r + 10·g + b.</summary>
    public static int Label(int r, int g, int b)
    {
        if (r is < 0 or > 9 || g is < 0 or > 9 || b is < 0 or > 9) throw new ArgumentOutOfRangeException(nameof(r), $"digits must be 0–9, got ({r}, {g}, {b})");
        return 100 * r + 10 * g + b;
    }

    /// <summary>The digits (R, G, B) of mode <paramref name="label"/> ∈ [0, 1000).</summary>
    public static (int R, int G, int B) Digits(int label)
    {
        if (label is < 0 or >= NumModes) throw new ArgumentOutOfRangeException(nameof(label), label, "a StackedMNIST mode is 0–999");
        return (label / 100, label / 10 % 10, label % 10);
    }

    /// <summary>Builds the pool from the MNIST split named by <paramref name="options"/> (root default <c>dataRoot/mnist</c>).</summary>
    public static ImageSet Create(StackedMnistOptions options, string dataRoot)
    {
        options.ThrowIfInvalid(Key);
        using var mnist = MnistDataset.Create(MnistDataset.MnistKey, options.ToMnistOptions(), dataRoot);
        return Stack(mnist.Pixels, mnist.Labels!, options.Limit > 0 ? Math.Min(options.Limit, options.Count) : options.Count, options.Seed);
    }

    /// <summary>
    /// Stacks <paramref name="count"/> images from single-channel <paramref name="pixels"/> (uint8 <c>[M, 1, S, S]</c>) with
    /// digit <paramref name="labels"/> (<c>[M]</c>), the channel orders drawn from a generator seeded with <paramref name="seed"/>.
    /// </summary>
    public static ImageSet Stack(Tensor pixels, Tensor labels, int count, long seed)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        if (pixels.dim() != 4 || pixels.shape[1] != 1) throw new ArgumentException($"{Key}: digits must be [M, 1, S, S], got [{string.Join(", ", pixels.shape)}]");
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        long m = pixels.shape[0];
        int orders = (int)((count + m - 1) / m);
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)seed);
        var channels = new Tensor[3];
        var mode = zeros([count], int64);
        for (int c = 0; c < 3; c++)
        {
            var index = cat(Enumerable.Range(0, orders).Select(_ => randperm(m, generator: generator)).ToArray(), 0).narrow(0, 0, count); // [count]
            channels[c] = pixels.index_select(0, index);                                                                                  // [count, 1, S, S]
            mode = mode * 10 + labels.index_select(0, index);
        }
        return new ImageSet(Key, cat(channels, 1), mode, NumModes, flip: false);
    }
}
