namespace Research.Core.Experiments;

/// <summary>Which real images form the reference set of the image metrics (<c>evaluation.reference_split</c>).</summary>
public enum ReferenceSplit
{
    /// <summary>
    /// <c>train</c>: <c>evaluation.reference_images</c> images drawn without replacement (fixed seed) from the data the
    /// run trains on. The default, so earlier results stay comparable.
    /// </summary>
    Train,

    /// <summary>
    /// <c>test</c>: every image of the data set's test split (10,000 for MNIST and Fashion-MNIST), with the data section's
    /// other options (size, resize); <c>evaluation.reference_images</c> is then ignored.
    /// </summary>
    Test,
}
