using TorchSharp;
using static TorchSharp.torch;

namespace Research.Data.Images;

/// <summary>Brings 8-bit images to a square target size once, at load time: pad, resize or centre-crop (see <see cref="ImageDataOptions.Resize"/>).</summary>
public static class ImageResize
{
    private const int Chunk = 1024;

    /// <summary>uint8 <c>[N, C, H, W]</c> → uint8 <c>[N, C, size, size]</c> (a copy; <paramref name="size"/> 0 keeps the size).</summary>
    public static Tensor ToSquare(Tensor images, int size, string mode, string source)
    {
        long h = images.shape[2], w = images.shape[3];
        if (size == 0 || (h == size && w == size)) return images.clone();
        if (mode == "pad")
        {
            if (h > size || w > size)
                throw new ArgumentException($"{source}: cannot pad {h}×{w} images to {size}×{size}: choose resize or center-crop, or a larger image_size");
            long left = (size - w) / 2, top = (size - h) / 2;
            return nn.functional.pad(images, [left, size - w - left, top, size - h - top], PaddingModes.Constant, 0);
        }
        var parts = new List<Tensor>();
        try
        {
            for (long start = 0; start < images.shape[0]; start += Chunk)
            {
                using var scope = NewDisposeScope();
                var x = images.narrow(0, start, Math.Min(Chunk, images.shape[0] - start));
                if (mode == "center-crop" && h != w)
                {
                    long side = Math.Min(h, w);
                    x = x.narrow(2, (h - side) / 2, side).narrow(3, (w - side) / 2, side);
                }
                var f = x.to_type(float32);
                bool shrink = f.shape[2] > size || f.shape[3] > size;
                var r = nn.functional.interpolate(f, [size, size], mode: InterpolationMode.Bilinear, align_corners: false, antialias: shrink);
                parts.Add(r.round().clamp(0, 255).to_type(ScalarType.Byte).MoveToOuterDisposeScope());
            }
            return cat(parts, 0);
        }
        finally
        {
            foreach (var p in parts) p.Dispose();
        }
    }
}
