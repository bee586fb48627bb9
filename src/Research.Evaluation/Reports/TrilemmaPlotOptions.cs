namespace Research.Evaluation.Reports;

/// <summary>Size and styling of <see cref="TrilemmaPlot"/>.</summary>
public sealed record TrilemmaPlotOptions
{
    /// <summary>Image width in pixels. Default 1100.</summary>
    public int WidthPixels { get; init; } = 1100;

    /// <summary>Image height in pixels. Default 720.</summary>
    public int HeightPixels { get; init; } = 720;

    /// <summary>Title; null for the default ("The generative trilemma: …").</summary>
    public string? Title { get; init; }

    /// <summary>Marker diameter (pixels) at coverage 0. Default 8.</summary>
    public float MinMarkerSize { get; init; } = 8;

    /// <summary>Marker diameter (pixels) at coverage 1. Default 40.</summary>
    public float MaxMarkerSize { get; init; } = 40;

    /// <summary>Every problem, as messages naming the property.</summary>
    public IEnumerable<string> Validate()
    {
        if (WidthPixels < 200 || HeightPixels < 150) yield return $"The image must be at least 200×150 pixels (got {WidthPixels}×{HeightPixels}).";
        if (!(MinMarkerSize > 0) || !(MaxMarkerSize >= MinMarkerSize)) yield return $"Marker sizes must satisfy 0 < min ≤ max (got {MinMarkerSize}, {MaxMarkerSize}).";
    }
}
