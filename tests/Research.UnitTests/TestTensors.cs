using static TorchSharp.torch;

namespace Research.UnitTests;

/// <summary>Comparisons of whole tensors for assertions (<c>Tensor.equal</c> is element-wise in TorchSharp).</summary>
internal static class TestTensors
{
    /// <summary>True when both tensors have the same shape and dtype and bit-identical elements.</summary>
    public static bool AreIdentical(Tensor a, Tensor b)
    {
        if (a.dtype != b.dtype || !a.shape.SequenceEqual(b.shape)) return false;
        using var same = a.eq(b);
        using var all = same.all();
        return all.item<bool>();
    }
}
