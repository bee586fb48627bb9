using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Runtime;

/// <summary>
/// Tensor–number arithmetic through a <see cref="Scalar"/> the call owns and frees at once. TorchSharp turns a bare
/// <c>double</c> argument into a temporary native Scalar left to the finalizer thread, which can free it while libtorch
/// still reads it (the transient "Scalar.h" errors of docs/toolchain.md) and costs finalizer work in hot loops. Same op,
/// same result bits as <c>tensor * value</c>.
/// </summary>
public static class OwnedScalars
{
    /// <summary><paramref name="x"/> · <paramref name="value"/> (a new tensor).</summary>
    public static Tensor Times(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.mul(s);
    }

    /// <summary><paramref name="x"/> + <paramref name="value"/> (a new tensor).</summary>
    public static Tensor Plus(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        using var one = 1.0.ToScalar();   // x.add(s) alone passes an implicit alpha = 1 Scalar nobody disposes
        return x.add(s, one);
    }

    /// <summary><paramref name="x"/> / <paramref name="value"/> (a new tensor).</summary>
    public static Tensor Over(this Tensor x, double value)
    {
        using var s = value.ToScalar();
        return x.div(s);
    }

    /// <summary><paramref name="x"/> clamped to [<paramref name="min"/>, <paramref name="max"/>] (a new tensor).</summary>
    public static Tensor ClampTo(this Tensor x, double min, double max)
    {
        using var lo = min.ToScalar();
        using var hi = max.ToScalar();
        return x.clamp(lo, hi);
    }
}
