namespace Research.Core.Data;

/// <summary>
/// What a dataset's options (and, once read, the headers of its files) say about the data before any of it is loaded:
/// validation checks sampling requests, families and backbones against it.
/// </summary>
/// <param name="SampleShape">Shape of one sample without the batch dimension (<c>[2]</c>, <c>[C, H, W]</c>), or null when
/// only the files can tell (e.g. MNIST at its native size).</param>
/// <param name="NumClasses">Number of classes (0 = unlabelled), or null when only the files can tell (classes from
/// subfolders).</param>
public sealed record DataDescription(long[]? SampleShape, int? NumClasses)
{
    /// <summary>Nothing known.</summary>
    public static DataDescription Unknown { get; } = new(null, null);

    /// <summary>"[C, H, W]" for messages.</summary>
    public string ShapeText => SampleShape is null ? "unknown" : $"[{string.Join(", ", SampleShape)}]";
}
