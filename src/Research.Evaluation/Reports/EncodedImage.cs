namespace Research.Evaluation.Reports;

/// <summary>A PNG-encoded picture and its size: written to a file and embedded in TensorBoard image summaries.</summary>
/// <param name="Png">The PNG file bytes.</param>
/// <param name="Width">Width in pixels.</param>
/// <param name="Height">Height in pixels.</param>
/// <param name="Channels">1 (grey) or 3 (RGB): the colour space TensorBoard records.</param>
public sealed record EncodedImage(byte[] Png, int Width, int Height, int Channels);
