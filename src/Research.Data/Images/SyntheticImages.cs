using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.Images;

/// <summary>
/// The <c>synthetic-images</c> dataset: <see cref="SyntheticImagesOptions.Count"/> uniform random 8-bit images drawn once
/// from a seeded generator, served by <see cref="ImageSet"/> like any downloaded image set (model space [−1, 1]).
/// </summary>
public static class SyntheticImages
{
    /// <summary>Registry key.</summary>
    public const string Key = "synthetic-images";

    /// <summary>Draws the images and labels of <paramref name="o"/>.</summary>
    public static ImageSet Create(SyntheticImagesOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var problems = o.Validate().ToList();
        if (problems.Count > 0) throw new ArgumentException($"{Key}: invalid options: {string.Join("; ", problems)}");
        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)o.Seed);
        var pixels = randint(0, 256, [o.Count, o.Channels, o.ImageSize, o.ImageSize], dtype: int64, generator: generator)
            .to_type(ScalarType.Byte);                                                          // [N, C, S, S]
        var labels = o.NumClasses > 0 ? arange(o.Count, dtype: int64).remainder(o.NumClasses) : null;   // [N]
        return new ImageSet(Key, pixels, labels, o.NumClasses, flip: false);
    }
}
