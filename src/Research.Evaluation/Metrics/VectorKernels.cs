using System.Numerics;

namespace Research.Evaluation.Metrics;

/// <summary>SIMD inner loops (<see cref="Vector{T}"/> of double) of <see cref="SymmetricEigen"/>; scalar tails.</summary>
internal static class VectorKernels
{
    /// <summary>Returns Σ xₖyₖ and adds f·xₖ to zₖ in the same pass.</summary>
    public static double DotAndAxpy(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> z, double f)
    {
        int k = 0, width = Vector<double>.Count;
        var acc = Vector<double>.Zero;
        var fv = new Vector<double>(f);
        for (; k <= x.Length - width; k += width)
        {
            var xv = new Vector<double>(x[k..]);
            acc += xv * new Vector<double>(y[k..]);
            (new Vector<double>(z[k..]) + xv * fv).CopyTo(z[k..]);
        }
        double sum = Vector.Sum(acc);
        for (; k < x.Length; k++)
        {
            sum += x[k] * y[k];
            z[k] += x[k] * f;
        }
        return sum;
    }

    /// <summary>Σ xₖyₖ.</summary>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        int k = 0, width = Vector<double>.Count;
        var acc = Vector<double>.Zero;
        for (; k <= x.Length - width; k += width) acc += new Vector<double>(x[k..]) * new Vector<double>(y[k..]);
        double sum = Vector.Sum(acc);
        for (; k < x.Length; k++) sum += x[k] * y[k];
        return sum;
    }

    /// <summary>yₖ += a·xₖ.</summary>
    public static void Axpy(Span<double> y, double a, ReadOnlySpan<double> x)
    {
        int k = 0, width = Vector<double>.Count;
        var av = new Vector<double>(a);
        for (; k <= y.Length - width; k += width) (new Vector<double>(y[k..]) + av * new Vector<double>(x[k..])).CopyTo(y[k..]);
        for (; k < y.Length; k++) y[k] += a * x[k];
    }

    /// <summary>yₖ −= f·uₖ + g·vₖ (the rank-2 update of the Householder reduction).</summary>
    public static void SubtractRankTwo(Span<double> y, double f, ReadOnlySpan<double> u, double g, ReadOnlySpan<double> v)
    {
        int k = 0, width = Vector<double>.Count;
        var fv = new Vector<double>(f);
        var gv = new Vector<double>(g);
        for (; k <= y.Length - width; k += width)
            (new Vector<double>(y[k..]) - (fv * new Vector<double>(u[k..]) + gv * new Vector<double>(v[k..]))).CopyTo(y[k..]);
        for (; k < y.Length; k++) y[k] -= f * u[k] + g * v[k];
    }

    /// <summary>Givens rotation of two rows: (a, b) ← (s·b + c·a, c·b − s·a).</summary>
    public static void Rotate(Span<double> a, Span<double> b, double c, double s)
    {
        int k = 0, width = Vector<double>.Count;
        var cv = new Vector<double>(c);
        var sv = new Vector<double>(s);
        for (; k <= a.Length - width; k += width)
        {
            var av = new Vector<double>(a[k..]);
            var bv = new Vector<double>(b[k..]);
            (sv * bv + cv * av).CopyTo(a[k..]);
            (cv * bv - sv * av).CopyTo(b[k..]);
        }
        for (; k < a.Length; k++)
        {
            var h = a[k];
            a[k] = s * b[k] + c * h;
            b[k] = c * b[k] - s * h;
        }
    }
}
