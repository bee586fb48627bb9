namespace Research.Evaluation.Metrics;

/// <summary>
/// The mode-collapse numbers of a histogram of samples over K known modes, as VEEGAN (Srivastava et al. 2017,
/// arXiv:1705.07761), PacGAN (Lin et al. 2018, arXiv:1712.04086) and DDGAN (Xiao et al. 2022, arXiv:2112.07804, Table 3)
/// report them on StackedMNIST: the modes covered and the reverse KL divergence of the sample distribution from the
/// uniform one. The one copy of this math: the 2-D mode KL (<c>ModeShape</c>), the judge's class KL
/// (<see cref="JudgeMetrics.ClassKl"/>) and StackedMNIST's mode count use it.
/// </summary>
public static class ModeHistogram
{
    /// <summary>
    /// Reverse KL, in nats: KL(p̂ ‖ U) = Σ_k p̂_k ln(K p̂_k), p̂ = <paramref name="counts"/> / Σ counts, K = counts.Length,
    /// 0 ln 0 = 0. 0 for a perfectly balanced histogram, ln K when every sample falls in one mode (and, by convention, when
    /// there are no samples at all). The forward KL(U ‖ p̂) would be infinite as soon as one mode is missed, which is why the
    /// papers report this direction.
    /// </summary>
    public static double ReverseKlFromUniform(IReadOnlyList<long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        int k = counts.Count;
        if (k < 1) throw new ArgumentException("a histogram needs at least one mode", nameof(counts));
        if (counts.Any(c => c < 0)) throw new ArgumentException("counts must be ≥ 0", nameof(counts));
        long total = counts.Sum();
        if (total == 0) return Math.Log(k);
        double kl = 0;
        foreach (var c in counts)
        {
            if (c == 0) continue;
            double p = (double)c / total;
            kl += p * Math.Log(k * p);
        }
        return Math.Max(0.0, kl);
    }

    /// <summary>Modes with at least <paramref name="minCount"/> samples (the papers: 1, a mode counts once any sample falls in it).</summary>
    public static int Covered(IReadOnlyList<long> counts, long minCount = 1)
    {
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        return counts.Count(c => c >= minCount);
    }
}
