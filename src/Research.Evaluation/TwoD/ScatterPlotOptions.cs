namespace Research.Evaluation.TwoD;

/// <summary>Settings of <see cref="ScatterPlot"/>. Defaults are ours, chosen for legible 2-D figures.</summary>
public sealed class ScatterPlotOptions
{
    /// <summary>Image width in pixels. Default 640.</summary>
    public int WidthPixels { get; init; } = 640;

    /// <summary>Image height in pixels. Default 640 (square, so both axes share one scale).</summary>
    public int HeightPixels { get; init; } = 640;

    /// <summary>Most real points drawn (every k-th point, deterministic). Default 20,000.</summary>
    public int MaxReferencePoints { get; init; } = 20_000;

    /// <summary>Most generated samples drawn (every k-th sample, deterministic). Default 10,000.</summary>
    public int MaxSamplePoints { get; init; } = 10_000;

    /// <summary>Marker diameter of generated samples, pixels. Default 2.</summary>
    public float SampleMarkerSize { get; init; } = 2f;

    /// <summary>Padding added on each side of the real data's bounding square, as a fraction of its side. Default 0.05.</summary>
    public double Margin { get; init; } = 0.05;

    /// <summary>Returns one message per invalid value (empty when valid), each naming its snake_case key.</summary>
    public IEnumerable<string> Validate()
    {
        if (WidthPixels is < 64 or > 8192) yield return $"width_pixels must be in [64, 8192] (got {WidthPixels}).";
        if (HeightPixels is < 64 or > 8192) yield return $"height_pixels must be in [64, 8192] (got {HeightPixels}).";
        if (MaxReferencePoints < 1) yield return $"max_reference_points must be at least 1 (got {MaxReferencePoints}).";
        if (MaxSamplePoints < 1) yield return $"max_sample_points must be at least 1 (got {MaxSamplePoints}).";
        if (!(SampleMarkerSize > 0) || !float.IsFinite(SampleMarkerSize)) yield return $"sample_marker_size must be positive (got {SampleMarkerSize}).";
        if (!(Margin >= 0) || !double.IsFinite(Margin)) yield return $"margin must be non-negative and finite (got {Margin}).";
    }
}
