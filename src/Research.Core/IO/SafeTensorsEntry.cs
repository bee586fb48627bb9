using static TorchSharp.torch;

namespace Research.Core.IO;

/// <summary>
/// One tensor of a safetensors header: its name, dtype, shape and the byte range <c>[Begin, End)</c> of its data, relative to
/// the start of the data section. <paramref name="HeaderOffset"/> is the file offset of its name in the header (for errors).
/// </summary>
public sealed record SafeTensorsEntry(string Name, ScalarType Dtype, long[] Shape, long Begin, long End, long HeaderOffset)
{
    /// <summary>Number of elements (validated against overflow when the header was parsed).</summary>
    public long Numel => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The shape as <c>a, b, c</c>.</summary>
    public string ShapeText => string.Join(", ", Shape);
}
