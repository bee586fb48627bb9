using static TorchSharp.torch;

namespace Research.Evaluation.Metrics;

/// <summary>
/// Fréchet distance between Gaussians fitted to feature sets (FID when the features are Inception pool_3):
/// d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^{1/2}), in float64.
/// </summary>
/// <remarks>
/// <para>Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule…" (FID, arXiv:1706.08500), Eq. 6;
/// docs/methods.md §7.1. The formula is Dowson &amp; Landau 1982.</para>
/// <para>
/// Matrix square root, in real arithmetic. pytorch-fid takes scipy's <c>sqrtm(Σ₁Σ₂)</c> of a non-symmetric product
/// (Schur form, complex), retries with 1e-6·I added to both covariances when the result is not finite, and drops an
/// imaginary part whose diagonal is within 1e-3 of zero. Only the trace is needed, and Σ₁Σ₂ is similar to the
/// symmetric positive semidefinite M = Σ₁^{1/2} Σ₂ Σ₁^{1/2}, so tr (Σ₁Σ₂)^{1/2} = Σ √μᵢ over the eigenvalues μᵢ ≥ 0 of
/// M. We compute Σ₁ = VΛVᵀ (<see cref="SymmetricEigen"/>), B = V Λ₊^{1/2}, and the eigenvalues of BᵀΣ₂B (same
/// spectrum as M, one matrix product fewer). Both steps are well conditioned for singular covariances (rank ≤ N − 1
/// when N &lt; d samples), which is exactly where the non-symmetric route fails. The same semantics are kept:
/// negative eigenvalues (round-off) are the imaginary part, dropped when their Σ√|μ| ≤ 1e-3 and an error otherwise;
/// a failed or non-finite attempt is retried once with ε = 1e-6 added to both diagonals.
/// </para>
/// </remarks>
public static class FrechetDistance
{
    /// <summary>pytorch-fid's <c>eps</c>: the diagonal offset of the retry.</summary>
    public const double RetryOffset = 1e-6;

    /// <summary>pytorch-fid's tolerance on the discarded imaginary part (<c>atol=1e-3</c>).</summary>
    public const double ImaginaryTolerance = 1e-3;

    /// <summary>Fréchet distance between the Gaussians of two <see cref="FeatureStatistics"/> of one feature space.</summary>
    public static double Compute(FeatureStatistics first, FeatureStatistics second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (first.Dim != second.Dim) throw new ArgumentException($"Feature dimensions differ: {first.Dim} vs {second.Dim}.", nameof(second));
        return FromMoments(first.Mean, first.Covariance, second.Mean, second.Covariance);
    }

    /// <summary>
    /// d² from means (length d) and covariances (row-major d×d). NaN if any input is not finite (as scipy would give);
    /// round-off results in [−1e-12·scale, 0) are returned as 0 (the exact value is ≥ 0).
    /// </summary>
    public static double FromMoments(ReadOnlySpan<double> mean1, ReadOnlySpan<double> cov1, ReadOnlySpan<double> mean2, ReadOnlySpan<double> cov2)
    {
        int d = mean1.Length;
        if (mean2.Length != d || cov1.Length != (long)d * d || cov2.Length != (long)d * d)
            throw new ArgumentException($"Shapes differ: means {mean1.Length} and {mean2.Length}, covariances {cov1.Length} and {cov2.Length} elements.");
        if (!AllFinite(mean1) || !AllFinite(mean2) || !AllFinite(cov1) || !AllFinite(cov2)) return double.NaN;

        double meanTerm = 0, traceSum = 0;
        for (int i = 0; i < d; i++)
        {
            var diff = mean1[i] - mean2[i];
            meanTerm += diff * diff;
            traceSum += cov1[i * d + i] + cov2[i * d + i];
        }
        var traceSqrt = TraceSqrtProduct(cov1, cov2, d);
        var d2 = meanTerm + traceSum - 2 * traceSqrt.Value;
        var tolerance = 1e-12 * (meanTerm + Math.Abs(traceSum));
        return d2 < 0 && d2 >= -tolerance ? 0.0 : d2;
    }

    /// <summary>
    /// tr (Σ₁Σ₂)^{1/2} for symmetric positive semidefinite Σ₁, Σ₂ (row-major d×d) with scipy-style fallback (see the
    /// type's remarks). Throws <see cref="ArithmeticException"/> when the discarded imaginary part exceeds 1e-3 (the
    /// inputs are not covariances), as pytorch-fid raises <c>ValueError('Imaginary component')</c>.
    /// </summary>
    public static TraceSqrtResult TraceSqrtProduct(ReadOnlySpan<double> cov1, ReadOnlySpan<double> cov2, int d)
    {
        TraceSqrtResult? result = null;
        try
        {
            result = TraceSqrtAttempt(cov1, cov2, d, 0.0);
        }
        catch (ArithmeticException)
        {
            // QL did not converge: fall through to the regularised retry.
        }
        if (result is null || !double.IsFinite(result.Value) || !double.IsFinite(result.DiscardedImaginary))
            result = TraceSqrtAttempt(cov1, cov2, d, RetryOffset);
        if (result.DiscardedImaginary > ImaginaryTolerance)
            throw new ArithmeticException(
                $"Imaginary component {result.DiscardedImaginary:G4} in tr (Σ₁Σ₂)^(1/2): the inputs are not positive semidefinite covariances.");
        return result;
    }

    /// <summary>One attempt with <paramref name="offset"/>·I added to both covariances (0 = none).</summary>
    internal static TraceSqrtResult TraceSqrtAttempt(ReadOnlySpan<double> cov1, ReadOnlySpan<double> cov2, int d, double offset)
    {
        var c1 = cov1.ToArray();
        var c2 = cov2.ToArray();
        for (int i = 0; i < d; i++)
        {
            c1[i * d + i] += offset;
            c2[i * d + i] += offset;
        }
        var eig = SymmetricEigen.Decompose(c1, d);
        var maxAbs = eig.Values.Max(Math.Abs);
        if (eig.Values[0] < -1e-6 * Math.Max(maxAbs, double.Epsilon))
            throw new ArgumentException($"The first covariance is not positive semidefinite (eigenvalue {eig.Values[0]:G4}, largest {maxAbs:G4}).");

        double[] product;
        using (var scope = NewDisposeScope())
        {
            var v = tensor(eig.Vectors, [d, d]);                                          // [d, d], column j = eigenvector j
            var rootLambda = tensor(eig.Values.Select(l => Math.Sqrt(Math.Max(l, 0))).ToArray()); // [d]
            var bt = v.t() * rootLambda.unsqueeze(1);                                     // Bᵀ = Λ₊^{1/2} Vᵀ, [d, d]
            var m = bt.matmul(tensor(c2, [d, d])).matmul(bt.t());                         // Bᵀ Σ₂ B, [d, d]
            product = m.contiguous().data<double>().ToArray();
        }
        var mu = SymmetricEigen.Values(product, d);
        double real = 0, imaginary = 0;
        foreach (var value in mu)
        {
            if (value >= 0) real += Math.Sqrt(value);
            else imaginary += Math.Sqrt(-value);
        }
        return new TraceSqrtResult(real, imaginary, offset);
    }

    private static bool AllFinite(ReadOnlySpan<double> values)
    {
        foreach (var v in values)
            if (!double.IsFinite(v)) return false;
        return true;
    }
}
