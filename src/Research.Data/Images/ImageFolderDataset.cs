using SkiaSharp;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.Images;

/// <summary>
/// Every <c>.png</c>, <c>.jpg</c> and <c>.jpeg</c> file under a folder (recursively, ordinal order of relative paths),
/// decoded with SkiaSharp, converted to RGB or grey, and brought to <c>image_size</c> (centre crop + resize by default).
/// Optionally labelled by first-level subfolder.
/// </summary>
public static class ImageFolderDataset
{
    /// <summary>Dataset key.</summary>
    public const string Key = "image-folder";

    private static readonly string[] Extensions = [".png", ".jpg", ".jpeg"];

    /// <summary>Loads the folder named by <paramref name="options"/>.</summary>
    public static ImageSet Create(ImageFolderOptions options, string dataRoot)
    {
        options.ThrowIfInvalid(Key);
        var (root, files, classes) = List(options, dataRoot);

        var images = new List<Tensor>(files.Count);
        try
        {
            foreach (var file in files)
            {
                using var pixels = Decode(Path.Combine(root, file), options.Channels);      // [1, C, H, W] uint8
                images.Add(ImageResize.ToSquare(pixels, options.ImageSize, options.Resize, Path.Combine(root, file)));
            }
            using var all = cat(images, 0);
            using var labels = options.LabelsFromSubfolders
                ? tensor(files.Select(f => (long)classes.IndexOf(f[..f.IndexOf(Path.DirectorySeparatorChar)])).ToArray())
                : null;
            return new ImageSet(Key, all, labels, classes.Count, options.Flip);
        }
        finally
        {
            foreach (var t in images) t.Dispose();
        }
    }

    /// <summary>
    /// The folder (full path), its image files (relative paths, in load order) and the class names (sorted; empty without
    /// <c>labels_from_subfolders</c>).
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">No such folder.</exception>
    /// <exception cref="FileNotFoundException">No image in it.</exception>
    public static (string Root, List<string> Files, List<string> Classes) List(ImageFolderOptions options, string dataRoot)
    {
        var root = Path.GetFullPath(options.ResolveRoot(dataRoot, Key));
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException($"{root}: image folder not found (set data.options.root)");
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(f => Path.GetRelativePath(root, f))
            .OrderBy(f => f, StringComparer.Ordinal)
            .ToList();
        if (options.LabelsFromSubfolders) files = files.Where(f => f.Contains(Path.DirectorySeparatorChar)).ToList();
        if (options.Limit > 0) files = files.Take(options.Limit).ToList();
        if (files.Count == 0) throw new FileNotFoundException($"{root}: no .png/.jpg/.jpeg images{(options.LabelsFromSubfolders ? " in subfolders" : "")}");
        var classes = options.LabelsFromSubfolders
            ? files.Select(f => f[..f.IndexOf(Path.DirectorySeparatorChar)]).Distinct().Order(StringComparer.Ordinal).ToList()
            : [];
        return (root, files, classes);
    }

    /// <summary>Decodes one file to uint8 <c>[1, channels, H, W]</c>; throws <see cref="InvalidDataException"/> naming it if it cannot.</summary>
    public static Tensor Decode(string path, int channels)
    {
        using var decoded = SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path}: byte 0: not a decodable PNG or JPEG image");
        var info = new SKImageInfo(decoded.Width, decoded.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        using var rgba = new SKBitmap(info);
        if (!decoded.CopyTo(rgba, SKColorType.Rgba8888) && !decoded.ScalePixels(rgba, new SKSamplingOptions(SKFilterMode.Nearest)))
            throw new InvalidDataException($"{path}: byte 0: cannot convert its pixels to RGBA");
        var bytes = rgba.GetPixelSpan();
        int h = decoded.Height, w = decoded.Width, n = h * w;
        var planes = new byte[channels * n];
        for (int i = 0; i < n; i++)
        {
            byte r = bytes[4 * i], g = bytes[4 * i + 1], b = bytes[4 * i + 2];
            if (channels == 1) planes[i] = (byte)((r * 299 + g * 587 + b * 114 + 500) / 1000);
            else
            {
                planes[i] = r;
                planes[n + i] = g;
                planes[2 * n + i] = b;
            }
        }
        return tensor(planes, [1, channels, h, w], ScalarType.Byte);
    }
}
