namespace Research.Data.Images;

/// <summary>The contents of an idx file of unsigned bytes: its dimensions and its data, row-major.</summary>
/// <param name="Dimensions">Sizes, outermost first (images: [N, rows, cols]; labels: [N]).</param>
/// <param name="Data">Π dimensions bytes.</param>
public sealed record IdxData(int[] Dimensions, byte[] Data)
{
    /// <summary>Number of items (the first dimension).</summary>
    public int Count => Dimensions[0];
}
