using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.TwoD;

/// <summary>Shared assembly of mixture points: component means repeated per point plus the drawn noise.</summary>
internal static class MixturePoints
{
    /// <summary>
    /// Returns points <c>[K·n, 2]</c> float64 (component k occupies rows k·n … k·n+n−1) and labels <c>[K·n]</c> int64.
    /// </summary>
    /// <param name="modes">The K components.</param>
    /// <param name="numPerMode">n, points per component.</param>
    /// <param name="noise">Noise <c>[K·n, 2]</c> float64, already scaled (and clipped).</param>
    public static (Tensor Points, Tensor Labels) Build(ModeSet2D modes, int numPerMode, Tensor noise)
    {
        var flat = modes.Means.SelectMany(m => new[] { m.X, m.Y }).ToArray();
        using var means = tensor(flat, [modes.Count, 2], dtype: float64);  // [K, 2]
        using var perPoint = means.repeat_interleave(numPerMode, dim: 0);  // [K·n, 2]
        using var componentIds = arange(modes.Count, dtype: int64);        // [K]
        return (perPoint + noise, componentIds.repeat_interleave(numPerMode));
    }
}
