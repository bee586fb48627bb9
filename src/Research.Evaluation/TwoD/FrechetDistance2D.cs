namespace Research.Evaluation.TwoD;

/// <summary>
/// Exact Fréchet distance between the Gaussians fitted to two 2-D point sets (the "FID" of SIDDM's 2-D code,
/// applied to raw coordinates): d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2(Σ₁Σ₂)^{1/2}).
/// </summary>
/// <remarks>
/// Formula: Dowson &amp; Landau 1982; Heusel et al. 2017 (FID, arXiv:1706.08500); docs/methods.md §7.5.
/// <para>
/// Closed form for 2×2: M = Σ₁Σ₂ is similar to Σ₁^{1/2}Σ₂Σ₁^{1/2}, which is symmetric positive semidefinite, so M
/// has real eigenvalues λ₁, λ₂ ≥ 0 and its principal square root has eigenvalues √λ₁, √λ₂. Then
/// (√λ₁ + √λ₂)² = λ₁ + λ₂ + 2√(λ₁λ₂) = tr M + 2√det M, hence tr M^{1/2} = √(tr M + 2√det M).
/// Here det M = det Σ₁ · det Σ₂ and tr M = Σ₁xx Σ₂xx + 2 Σ₁xy Σ₂xy + Σ₁yy Σ₂yy.
/// </para>
/// <para>
/// Robustness: no matrix square root is taken, so the scipy <c>sqrtm</c> failure mode (and its 1e-6·I retry)
/// does not arise. Round-off can make a determinant or tr M of a (near-)singular covariance slightly negative;
/// they are clamped at 0, as are results in [−ε, 0) (the exact value is ≥ 0). Non-finite moments give NaN.
/// The general d-dimensional FID lives elsewhere.
/// </para>
/// </remarks>
public static class FrechetDistance2D
{
    /// <summary>Fréchet distance between the Gaussians fitted to <paramref name="a"/> and <paramref name="b"/> (<c>[N, 2]</c>, N ≥ 2 each).</summary>
    public static double Compute(TorchSharp.torch.Tensor a, TorchSharp.torch.Tensor b) =>
        FromMoments(GaussianMoments2D.Of(a), GaussianMoments2D.Of(b));

    /// <summary>Fréchet distance between N(μ₁, Σ₁) and N(μ₂, Σ₂) given by their moments.</summary>
    public static double FromMoments(GaussianMoments2D first, GaussianMoments2D second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var all = new[] { first.MeanX, first.MeanY, first.Cxx, first.Cxy, first.Cyy, second.MeanX, second.MeanY, second.Cxx, second.Cxy, second.Cyy };
        if (all.Any(v => !double.IsFinite(v))) return double.NaN;

        var dx = first.MeanX - second.MeanX;
        var dy = first.MeanY - second.MeanY;
        var meanTerm = dx * dx + dy * dy;
        var traceSum = first.Cxx + first.Cyy + second.Cxx + second.Cyy;
        var traceSqrt = TraceSqrtOfProduct(first, second);
        var d2 = meanTerm + traceSum - 2.0 * traceSqrt;
        // Cancellation error is relative to the terms that cancel.
        var tolerance = 1e-12 * (meanTerm + traceSum);
        return d2 < 0 && d2 >= -tolerance ? 0.0 : d2;
    }

    /// <summary>tr (Σ₁Σ₂)^{1/2} = √(tr M + 2√det M) for M = Σ₁Σ₂, both PSD 2×2 (see the type's remarks).</summary>
    public static double TraceSqrtOfProduct(GaussianMoments2D first, GaussianMoments2D second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var det1 = Math.Max(0.0, first.Cxx * first.Cyy - first.Cxy * first.Cxy);
        var det2 = Math.Max(0.0, second.Cxx * second.Cyy - second.Cxy * second.Cxy);
        var traceM = Math.Max(0.0, first.Cxx * second.Cxx + 2.0 * first.Cxy * second.Cxy + first.Cyy * second.Cyy);
        return Math.Sqrt(traceM + 2.0 * Math.Sqrt(det1 * det2));
    }
}
