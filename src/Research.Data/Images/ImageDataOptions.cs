using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;

namespace Research.Data.Images;

/// <summary>
/// Options every image dataset shares. Pixels are scaled to [−1, 1] (x/127.5 − 1, as DDPM's and DDGAN's pipelines);
/// minibatches are drawn uniformly with replacement from the session's data generator (see <see cref="ImageSet"/>).
/// </summary>
public abstract class ImageDataOptions : IValidatableOptions
{
    /// <summary>Folder holding the files; empty = <c>&lt;data root&gt;/&lt;dataset key&gt;</c> (the CLI's <c>--data-root</c>, default <c>.data</c>).</summary>
    public string Root { get; set; } = "";

    /// <summary><c>train</c> or <c>test</c>. Default <c>train</c>.</summary>
    public string Split { get; set; } = "train";

    /// <summary>Random horizontal flip of each drawn image (probability ½, from the data generator).</summary>
    public bool Flip { get; set; }

    /// <summary>Side of the square images the networks see; 0 = the files' own size. How to get there: <see cref="Resize"/>.</summary>
    [Range(0, 8192)]
    public int ImageSize { get; set; }

    /// <summary>
    /// <c>pad</c> (centre the image on a black canvas; the target must not be smaller), <c>resize</c> (bilinear, antialiased
    /// when shrinking; the aspect ratio is not kept) or <c>center-crop</c> (the largest centred square, then resized).
    /// Applied once at load time; the result is rounded to 8 bits like a resized image file.
    /// </summary>
    public string Resize { get; set; } = "pad";

    /// <summary>Use only the first N images of the split (quick experiments); 0 = all.</summary>
    [Range(0, int.MaxValue)]
    public int Limit { get; set; }

    /// <summary>
    /// The same data set's <c>test</c> split with these options otherwise (all of it, no flip): the held-out images for
    /// classifier accuracies. A copy; this instance is unchanged.
    /// </summary>
    public ImageDataOptions HeldOut()
    {
        var copy = (ImageDataOptions)MemberwiseClone();
        copy.Split = "test";
        copy.Limit = 0;
        copy.Flip = false;
        return copy;
    }

    /// <inheritdoc />
    public virtual IEnumerable<string> Validate()
    {
        if (Split is not ("train" or "test")) yield return $"split: '{Split}' is not one of train, test";
        if (Resize is not ("pad" or "resize" or "center-crop")) yield return $"resize: '{Resize}' is not one of pad, resize, center-crop";
    }

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid option of dataset <paramref name="key"/>.</summary>
    public void ThrowIfInvalid(string key)
    {
        var problems = Validate().ToList();
        if (problems.Count > 0) throw new ArgumentException($"{key}: invalid options: {string.Join("; ", problems)}");
    }

    /// <summary>The folder to read: <see cref="Root"/>, or <c>dataRoot/key</c> when it is empty.</summary>
    public string ResolveRoot(string dataRoot, string key) => Root.Length > 0 ? Root : Path.Combine(dataRoot, key);
}
