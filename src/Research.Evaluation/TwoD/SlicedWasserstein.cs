using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>
/// Sliced Wasserstein-1 distance between two 2-D point sets of equal size, in data-space units: the mean over L
/// directions θ of the 1-D Wasserstein-1 distance between the projections onto (cos θ, sin θ).
/// </summary>
/// <remarks>
/// Definition: Rabin et al. 2011 ("Wasserstein Barycenter and its Application to Texture Mixing") and Bonneel et al. 2015;
/// docs/methods.md §7.5. For equal sizes the 1-D W1 is the mean absolute difference of the sorted projections. The
/// directions are stratified over the half circle, θⱼ = π(j + u)/L with one offset u ~ U[0, 1) from a generator seeded
/// with the caller's seed, so the result is deterministic given the seed and L. Float64 throughout.
/// </remarks>
public static class SlicedWasserstein
{
    /// <summary>Default number of projections L.</summary>
    public const int DefaultNumProjections = 128;

    /// <summary>SW1 between <paramref name="x"/> and <paramref name="y"/> (<c>[n, 2]</c> each, n ≥ 1) over <paramref name="numProjections"/> directions.</summary>
    public static double W1(Tensor x, Tensor y, int numProjections, long seed)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        TwoDShapes.RequirePoints(x, nameof(x), minRows: 1);
        TwoDShapes.RequirePoints(y, nameof(y), minRows: 1);
        if (x.shape[0] != y.shape[0])
            throw new ArgumentException($"Sliced Wasserstein needs sets of equal size, got {x.shape[0]} and {y.shape[0]}.", nameof(y));
        ArgumentOutOfRangeException.ThrowIfLessThan(numProjections, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(seed);

        using var generator = new Generator((ulong)seed);
        using var scope = NewDisposeScope();
        var u = rand([1], dtype: float64, generator: generator).item<double>();
        var theta = (arange(numProjections, dtype: float64) + u) * (Math.PI / numProjections);   // [L]
        var directions = stack([theta.cos(), theta.sin()]);                                       // [2, L]
        var px = x.to(float64, CPU).matmul(directions).sort(0).Values;                            // [n, L]
        var py = y.to(float64, CPU).matmul(directions).sort(0).Values;                            // [n, L]
        return (px - py).abs().mean().item<double>();
    }
}
