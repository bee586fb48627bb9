using static TorchSharp.torch;

namespace Research.Models.Layers;

/// <summary>
/// The minibatch standard-deviation feature of a discriminator: per sample, the std of every feature over its group of
/// samples, averaged over features (Karras et al., "Progressive Growing of GANs", arXiv 1710.10196 §3; DDGAN's
/// discriminator, arXiv 2112.07804, uses groups of 4). It lets a discriminator see a batch's lack of diversity.
/// </summary>
/// <remarks>
/// Sample i of a batch of B is grouped with i + B/g, i + 2B/g, … (StyleGAN's and DDGAN's <c>view(group, -1, …)</c>);
/// g is the largest divisor of B not above the requested group size, where the references require B to be divisible.
/// </remarks>
public static class MinibatchStd
{
    /// <summary>
    /// features <c>[B, ...]</c> → <c>[B, 1]</c>: sample i gets the mean over all feature positions of the std over its
    /// group. The result is in the caller's dispose scope.
    /// </summary>
    public static Tensor Feature(Tensor features, int group)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(group, 1);
        using var scope = NewDisposeScope();
        long b = features.shape[0];
        long g = Math.Min(group, b);
        while (b % g != 0) g--;
        var y = features.reshape(g, b / g, -1);                                                // [g, B/g, F]
        var std = (y - y.mean([0], keepdim: true)).square().mean([0]).add(1e-8).sqrt();        // [B/g, F]
        return std.mean([1], keepdim: true).repeat(g, 1).MoveToOuterDisposeScope();             // [B, 1]
    }
}
