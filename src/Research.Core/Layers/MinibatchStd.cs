using static TorchSharp.torch;

namespace Research.Core.Layers;

/// <summary>
/// The minibatch standard-deviation feature of progressive GANs (Karras et al., arXiv 1710.10196 §3), as DDGAN's
/// discriminator computes it (docs/methods.md §4.6): split the batch into
/// <c>g</c> groups of <c>B/g</c> samples, where sample i belongs to the group {i mod B/g, + B/g, …}; take each feature's
/// standard deviation (population, +1e−8 under the root) across the g members; average it over all features
/// (and positions). Every sample of a group gets that one number. It lets a discriminator see a batch's lack of
/// diversity, so each output depends on the other samples of its group.
/// </summary>
public static class MinibatchStd
{
    /// <summary>
    /// The feature for <paramref name="x"/> <c>[B, C, …spatial]</c>: <c>[B, 1, …spatial]</c> (the per-sample value
    /// broadcast over the spatial positions), to be concatenated as one extra channel. g is the largest divisor of B
    /// not above <paramref name="group"/> (the reference requires B divisible by the group; here any batch works).
    /// </summary>
    public static Tensor Feature(Tensor x, int group)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(group, 1);
        if (x.dim() < 2) throw new ArgumentException($"minibatch std needs [B, C, …], got [{string.Join(", ", x.shape)}]", nameof(x));
        using var scope = NewDisposeScope();
        long b = x.shape[0];
        long g = Math.Min(group, b);
        while (b % g != 0) g--;
        var rest = x.shape[1..];
        var y = x.reshape([g, b / g, .. rest]);                                                  // [g, B/g, C, …]
        var std = (y - y.mean([0], keepdim: true)).square().mean([0]).add(1e-8).sqrt();          // [B/g, C, …]
        var perSample = std.reshape(b / g, -1).mean([1]).repeat(g);                               // [B]
        long[] shape = [b, 1, .. rest[1..]];
        long[] view = [b, .. Enumerable.Repeat(1L, rest.Length)];
        return perSample.reshape(view).expand(shape).contiguous().MoveToOuterDisposeScope();
    }
}
