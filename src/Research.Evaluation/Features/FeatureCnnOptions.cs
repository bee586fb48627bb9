namespace Research.Evaluation.Features;

/// <summary>Architecture of <see cref="FeatureCnn"/>. Stored with its weights; changing any value changes the identity hash.</summary>
public sealed record FeatureCnnOptions
{
    /// <summary>Image channels. Default 1 (MNIST, Fashion-MNIST).</summary>
    public int InChannels { get; init; } = 1;

    /// <summary>Classes of the head. Default 10 (MNIST, Fashion-MNIST).</summary>
    public int NumClasses { get; init; } = 10;

    /// <summary>
    /// Channels of the first two convolutions (the last two have twice as many). Default 32: ≈ 99 % on MNIST with a
    /// few thousand steps. Keep it a multiple of 16 on CPU: libtorch 2.10's oneDNN convolution backward returns wrong
    /// or NaN input gradients for 4 or 8 channels on this machine (docs/metrics.md, "Known issue").
    /// </summary>
    public int Width { get; init; } = 32;

    /// <summary>Dimension of the penultimate layer, the features. Default 128.</summary>
    public int FeatureDim { get; init; } = 128;

    /// <summary>Every problem, as messages naming the property.</summary>
    public IEnumerable<string> Validate()
    {
        if (InChannels < 1) yield return $"in_channels must be ≥ 1 (got {InChannels}).";
        if (NumClasses < 2) yield return $"num_classes must be ≥ 2 (got {NumClasses}).";
        if (Width < 1) yield return $"width must be ≥ 1 (got {Width}).";
        if (FeatureDim < 1) yield return $"feature_dim must be ≥ 1 (got {FeatureDim}).";
    }
}
