namespace Research.Evaluation.Reports;

/// <summary>A PNG-encoded picture and its size: written to a file and embedded in TensorBoard image summaries.</summary>
/// <param name="Png">The PNG file bytes.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Channels">1 grey, 2 grey + alpha, 3 RGB, 4 RGBA: the colour space TensorBoard records.</param>
public sealed record EncodedImage(byte[] Png, int Width, int Height, int Channels)
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>
    /// Wraps PNG bytes, reading size and channels from the IHDR chunk (PNG spec §11.2.2: width and height big-endian at
    /// bytes 16 and 20, colour type at byte 25). <see cref="InvalidDataException"/> if the bytes are not a PNG.
    /// </summary>
    public static EncodedImage FromPng(byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        if (png.Length < 33 || !png.AsSpan(0, 8).SequenceEqual(Signature) || !png.AsSpan(12, 4).SequenceEqual("IHDR"u8))
            throw new InvalidDataException("not a PNG (no signature and IHDR chunk)");
        int width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16));
        int height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20));
        int channels = png[25] switch
        {
            0 => 1, 4 => 2, 2 or 3 => 3, 6 => 4,   // grey, grey+alpha, RGB or palette, RGBA
            var t => throw new InvalidDataException($"PNG colour type {t} is not defined"),
        };
        return new EncodedImage(png, width, height, channels);
    }
}
