using SkiaSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.Reports;

/// <summary>
/// Tiles image samples into one PNG: up to <c>maxImages</c> images, <c>perRow</c> per row, separated and framed by
/// <c>padding</c> pixels of black, grey or RGB by channel count (the layout of torchvision's <c>make_grid</c> /
/// <c>save_image</c>, which DDPM's and DDGAN's sample figures use).
/// </summary>
/// <remarks>
/// Input is data space [0, 1] (what <c>ImageSet.ToDataSpace</c> returns for model-space [−1, 1]); each value becomes
/// round(255·clamp(x, 0, 1)), half to even as <c>torch.round</c>, so a grid shows exactly the 8-bit image a PNG
/// of the sample would hold.
/// </remarks>
public static class ImageGrid
{
    /// <summary>Images drawn at most.</summary>
    public const int DefaultMaxImages = 64;

    /// <summary>Images per row.</summary>
    public const int DefaultPerRow = 8;

    /// <summary>Pixels between and around the images.</summary>
    public const int DefaultPadding = 2;

    /// <summary>
    /// The grid of the first min(N, <paramref name="maxImages"/>) of <paramref name="images"/> <c>[N, C, H, W]</c>
    /// (C = 1 or 3, values in [0, 1], any device and float dtype), PNG-encoded.
    /// </summary>
    public static EncodedImage Encode(Tensor images, int maxImages = DefaultMaxImages, int perRow = DefaultPerRow, int padding = DefaultPadding)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxImages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(perRow, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (images.dim() != 4 || images.shape[0] < 1 || images.shape[1] is not (1 or 3))
            throw new ArgumentException($"Expected images [N ≥ 1, 1 or 3, H, W], got [{string.Join(", ", images.shape)}].", nameof(images));
        int n = (int)Math.Min(images.shape[0], maxImages), c = (int)images.shape[1], h = (int)images.shape[2], w = (int)images.shape[3];
        int cols = Math.Min(perRow, n), rows = (n + cols - 1) / cols;
        int width = cols * (w + padding) + padding, height = rows * (h + padding) + padding;

        byte[] values;                                                                   // [n, C, H, W] row-major
        using (var scope = NewDisposeScope())
        {
            var bytes = images.narrow(0, 0, n).detach().to(float32, CPU).clamp(0, 1).mul(255).round().to(ScalarType.Byte).contiguous();
            values = bytes.data<byte>().ToArray();
        }
        int bytesPerPixel = c == 1 ? 1 : 4;                                              // Gray8 or Rgba8888
        var pixels = new byte[width * height * bytesPerPixel];
        if (c == 3)
            for (int i = 3; i < pixels.Length; i += 4) pixels[i] = 255;                  // opaque padding
        int plane = h * w;
        for (int k = 0; k < n; k++)
        {
            int left = padding + (k % cols) * (w + padding), top = padding + (k / cols) * (h + padding);
            int image = k * c * plane;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                {
                    int src = image + y * w + x, dst = ((top + y) * width + left + x) * bytesPerPixel;
                    if (c == 1) pixels[dst] = values[src];
                    else
                    {
                        pixels[dst] = values[src];
                        pixels[dst + 1] = values[src + plane];
                        pixels[dst + 2] = values[src + 2 * plane];
                    }
                }
        }
        var info = new SKImageInfo(width, height, c == 1 ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var picture = SKImage.FromPixelCopy(info, pixels, width * bytesPerPixel)
                            ?? throw new InvalidOperationException($"SkiaSharp could not wrap a {width}×{height} image.");
        using var png = picture.Encode(SKEncodedImageFormat.Png, 100)
                        ?? throw new InvalidOperationException($"SkiaSharp could not encode a {width}×{height} PNG.");
        return new EncodedImage(png.ToArray(), width, height, c);
    }

    /// <summary>Encodes like <see cref="Encode"/> and writes the PNG to <paramref name="path"/> (its folder is created).</summary>
    public static EncodedImage Write(string path, Tensor images, int maxImages = DefaultMaxImages, int perRow = DefaultPerRow, int padding = DefaultPadding)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var grid = Encode(images, maxImages, perRow, padding);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        Core.IO.AtomicFile.Write(full, s => s.Write(grid.Png));
        return grid;
    }
}
