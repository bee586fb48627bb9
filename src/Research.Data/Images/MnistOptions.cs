namespace Research.Data.Images;

/// <summary>
/// Options of <c>mnist</c> and <c>fashion-mnist</c> (idx files <c>train-images-idx3-ubyte.gz</c>,
/// <c>train-labels-idx1-ubyte.gz</c>, <c>t10k-…</c>; written by <c>research data fetch</c>).
/// </summary>
public sealed class MnistOptions : ImageDataOptions
{
    /// <summary>Defaults: 32×32 by zero-padding the 28×28 digits by 2 pixels on each side (the usual way to give a UNet
    /// a power-of-two size); no flip (digits and clothes have a handedness).</summary>
    public MnistOptions() => ImageSize = 32;
}
