using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;

namespace Research.Data.Images;

/// <summary>
/// Options of <c>synthetic-images</c>: seeded random 8-bit images with cyclic labels, for benchmarks and tests that need
/// image-shaped data of a given size without a download. Their content means nothing; only shapes and speed do.
/// </summary>
public sealed class SyntheticImagesOptions : IValidatableOptions
{
    /// <summary>Number of images held (drawn with replacement, as every image set). Default 1,000 (ours).</summary>
    [Range(1, 1_000_000)]
    public int Count { get; set; } = 1_000;

    /// <summary>Channels C of each <c>[C, S, S]</c> image. Default 1 (MNIST's).</summary>
    [Range(1, 16)]
    public int Channels { get; set; } = 1;

    /// <summary>Side S of the square images. Default 28 (MNIST's).</summary>
    [Range(1, 1024)]
    public int ImageSize { get; set; } = 28;

    /// <summary>Labels cycle through this many classes (image i has label i mod K); 0 = unlabelled. Default 10 (MNIST's).</summary>
    [Range(0, 1000)]
    public int NumClasses { get; set; } = 10;

    /// <summary>Seed of the generator drawing the pixels, so the set is identical across runs. Default 0 (ours).</summary>
    [Range(0, long.MaxValue)]
    public long Seed { get; set; }

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (NumClasses > Count) yield return $"num_classes: {NumClasses} classes need at least as many images (count {Count})";
    }
}
