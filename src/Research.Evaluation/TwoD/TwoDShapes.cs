using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>Argument checks shared by the 2-D metrics.</summary>
internal static class TwoDShapes
{
    /// <summary>Throws unless <paramref name="points"/> is a floating <c>[N, 2]</c> tensor with N ≥ <paramref name="minRows"/>.</summary>
    public static void RequirePoints(Tensor points, string name, long minRows)
    {
        if (points.dim() != 2 || points.shape[1] != 2)
            throw new ArgumentException($"Expected points [N, 2], got [{string.Join(", ", points.shape)}].", name);
        if (!points.is_floating_point())
            throw new ArgumentException($"Expected a floating dtype, got {points.dtype}.", name);
        if (points.shape[0] < minRows)
            throw new ArgumentException($"Expected at least {minRows} points, got {points.shape[0]}.", name);
    }
}
