using System.ComponentModel.DataAnnotations;

namespace Research.Data.Images;

/// <summary>Options of <c>image-folder</c>: every PNG/JPEG under <see cref="ImageDataOptions.Root"/> (recursively, sorted by path).</summary>
public sealed class ImageFolderOptions : ImageDataOptions
{
    /// <summary>Defaults: 64×64 by centre crop and resize (ADM's preprocessing of LSUN / ImageNet, arXiv 2105.05233).</summary>
    public ImageFolderOptions()
    {
        ImageSize = 64;
        Resize = "center-crop";
    }

    /// <summary>3 (RGB) or 1 (grey, ITU-R 601 luma as PIL's "L"). Alpha is dropped. Default 3.</summary>
    [Range(1, 3)]
    public int Channels { get; set; } = 3;

    /// <summary>Label each image by its first-level subfolder (classes sorted by name); false = unlabelled. Default false.</summary>
    public bool LabelsFromSubfolders { get; set; }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var p in base.Validate()) yield return p;
        if (Channels == 2) yield return "channels: must be 1 (grey) or 3 (RGB)";
        if (ImageSize == 0) yield return "image_size: an image folder needs a target size (images may differ in size)";
        if (Split != "train") yield return "split: an image folder has only the train split (point root at another folder for a test set)";
    }
}
