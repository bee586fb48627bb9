using System.Collections.ObjectModel;

namespace Research.Core.Schedules;

/// <summary>
/// The framework's one discrete Gaussian noise schedule: β_1..β_T, every coefficient derived from them (float64,
/// authoritative), the DDGAN-style training marginals, respacing, and the shared forward / posterior / ε↔x₀ tensor
/// math used by every family. Immutable; owns lazily created per-device float32 tables, released by
/// <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// Forward process and posterior: DDPM, arXiv 2006.11239 eqs. 2, 4, 6, 7 (and §3.2 for ε↔x₀). Coefficients as in
/// guided-diffusion's <c>GaussianDiffusion.__init__</c> (arXiv 2105.05233). DDGAN's discretised VP schedule and its
/// training pair: arXiv 2112.07804 Appendix B / eq. 5 and official <c>q_sample_pairs</c>. Respacing: IDDPM
/// arXiv 2102.09672 §4 (<c>space_timesteps</c>, <c>SpacedDiffusion</c>). DDIM: arXiv 2010.02502 eq. 12, 16.
/// Code indexing throughout: array index i is paper step t = i + 1; sampling adds no noise at index 0.
/// </remarks>
public sealed partial class NoiseSchedule : IDisposable
{
    private readonly Dictionary<ScheduleCoefficient, double[]> _tables;
    private readonly Dictionary<ScheduleCoefficient, IReadOnlyList<double>> _views;
    private readonly int[] _timestepMap;

    private NoiseSchedule(IReadOnlyList<double> betas, double beta0, ScheduleConvention convention,
        int[] timestepMap, int originalNumTimesteps)
    {
        if (betas.Count < 1) throw new ArgumentException("a schedule needs at least one beta", nameof(betas));
        for (var i = 0; i < betas.Count; i++)
        {
            if (!(betas[i] > 0 && betas[i] <= 1))
                throw new ArgumentException($"betas[{i}] = {betas[i]} is not in (0, 1]", nameof(betas));
        }
        if (!(beta0 >= 0 && beta0 < 1)) throw new ArgumentException($"beta0 = {beta0} is not in [0, 1)", nameof(beta0));

        Convention = convention;
        _tables = CoefficientBuilder.Build(betas, beta0, convention);
        _views = _tables.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double>)Array.AsReadOnly(kv.Value));
        Beta0 = convention == ScheduleConvention.Ddgan ? (float)beta0 : beta0;
        _timestepMap = timestepMap;
        TimestepMap = Array.AsReadOnly(timestepMap);
        OriginalNumTimesteps = originalNumTimesteps;
    }

    /// <summary>Number of steps T of this (possibly respaced) chain; every coefficient table has T entries.</summary>
    public int NumTimesteps => _timestepMap.Length;

    /// <summary>Number of steps of the schedule this one was respaced from (equals <see cref="NumTimesteps"/> if not respaced).</summary>
    public int OriginalNumTimesteps { get; }

    /// <summary>Original step index for each index of this chain (identity when not respaced); what networks are called with.</summary>
    public ReadOnlyCollection<int> TimestepMap { get; }

    /// <summary>Whose arithmetic the coefficients reproduce.</summary>
    public ScheduleConvention Convention { get; }

    /// <summary>
    /// DDGAN's extra leading β₀ (1e-8, as float32), part of the training marginals <see cref="ForwardA"/> only;
    /// 0 for linear and cosine.
    /// </summary>
    public double Beta0 { get; }

    /// <summary>β_t (<c>betas</c>).</summary>
    public IReadOnlyList<double> Betas => _views[ScheduleCoefficient.Betas];
    /// <summary>α_t = 1 − β_t.</summary>
    public IReadOnlyList<double> Alphas => _views[ScheduleCoefficient.Alphas];
    /// <summary>ᾱ_t (<c>alphas_cumprod</c>).</summary>
    public IReadOnlyList<double> AlphaBars => _views[ScheduleCoefficient.AlphaBars];
    /// <summary>ᾱ_{t−1}, 1 at index 0 (<c>alphas_cumprod_prev</c>).</summary>
    public IReadOnlyList<double> AlphaBarsPrev => _views[ScheduleCoefficient.AlphaBarsPrev];
    /// <summary>ᾱ_{t+1}, 0 at the last index (<c>alphas_cumprod_next</c>).</summary>
    public IReadOnlyList<double> AlphaBarsNext => _views[ScheduleCoefficient.AlphaBarsNext];
    /// <summary>√ᾱ_t (<c>sqrt_alphas_cumprod</c>).</summary>
    public IReadOnlyList<double> SqrtAlphaBars => _views[ScheduleCoefficient.SqrtAlphaBars];
    /// <summary>√(1 − ᾱ_t) (<c>sqrt_one_minus_alphas_cumprod</c>).</summary>
    public IReadOnlyList<double> SqrtOneMinusAlphaBars => _views[ScheduleCoefficient.SqrtOneMinusAlphaBars];
    /// <summary>log(1 − ᾱ_t) (<c>log_one_minus_alphas_cumprod</c>).</summary>
    public IReadOnlyList<double> LogOneMinusAlphaBars => _views[ScheduleCoefficient.LogOneMinusAlphaBars];
    /// <summary>√(1/ᾱ_t) (<c>sqrt_recip_alphas_cumprod</c>).</summary>
    public IReadOnlyList<double> SqrtRecipAlphaBars => _views[ScheduleCoefficient.SqrtRecipAlphaBars];
    /// <summary>√(1/ᾱ_t − 1) (<c>sqrt_recipm1_alphas_cumprod</c>).</summary>
    public IReadOnlyList<double> SqrtRecipM1AlphaBars => _views[ScheduleCoefficient.SqrtRecipM1AlphaBars];
    /// <summary>β̃_t (<c>posterior_variance</c>, DDPM eq. 7).</summary>
    public IReadOnlyList<double> PosteriorVariance => _views[ScheduleCoefficient.PosteriorVariance];
    /// <summary>log β̃_t, clipped at index 0 (<c>posterior_log_variance_clipped</c>).</summary>
    public IReadOnlyList<double> PosteriorLogVarianceClipped => _views[ScheduleCoefficient.PosteriorLogVarianceClipped];
    /// <summary>c1_t, the x₀ weight of μ̃_t (<c>posterior_mean_coef1</c>).</summary>
    public IReadOnlyList<double> PosteriorMeanCoef1 => _views[ScheduleCoefficient.PosteriorMeanCoef1];
    /// <summary>c2_t, the x_t weight of μ̃_t (<c>posterior_mean_coef2</c>).</summary>
    public IReadOnlyList<double> PosteriorMeanCoef2 => _views[ScheduleCoefficient.PosteriorMeanCoef2];
    /// <summary>√α_t (DDGAN's <c>a_s[1:]</c>).</summary>
    public IReadOnlyList<double> SqrtAlphas => _views[ScheduleCoefficient.SqrtAlphas];
    /// <summary>√β_t (DDGAN's <c>sigmas[1:]</c>).</summary>
    public IReadOnlyList<double> SqrtBetas => _views[ScheduleCoefficient.SqrtBetas];
    /// <summary>log β_t.</summary>
    public IReadOnlyList<double> LogBetas => _views[ScheduleCoefficient.LogBetas];
    /// <summary>DDIM σ_t at η = 1 (arXiv 2010.02502 eq. 16).</summary>
    public IReadOnlyList<double> DdimSigmaAtEtaOne => _views[ScheduleCoefficient.DdimSigmaAtEtaOne];
    /// <summary>Training marginal mean a_k = ∏_{j=0..k} √(1 − β_j) incl. β₀, k = 0..T (T + 1 entries).</summary>
    public IReadOnlyList<double> ForwardA => _views[ScheduleCoefficient.ForwardA];
    /// <summary>Training marginal std σ_k = √(1 − a_k²), k = 0..T (T + 1 entries).</summary>
    public IReadOnlyList<double> ForwardSigma => _views[ScheduleCoefficient.ForwardSigma];

    /// <summary>Any coefficient table by name (read-only view of the float64 values).</summary>
    public IReadOnlyList<double> Coefficient(ScheduleCoefficient coefficient) => _views[coefficient];

    /// <summary>Builds the schedule that <paramref name="options"/> describe; throws if they do not validate.</summary>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public static NoiseSchedule Create(ScheduleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
            throw new ArgumentException("invalid schedule options:\n  " + string.Join("\n  ", errors), nameof(options));

        var T = options.NumTimesteps;
        switch (options.Type)
        {
            case "linear":
                return FromBetas(BetaSchedules.Linear(T, options.ResolvedBetaStart, options.ResolvedBetaEnd));
            case "cosine":
                return FromBetas(BetaSchedules.Cosine(T, options.CosineS, options.MaxBeta));
            default: // "ddgan-vp" (Validate rejects anything else)
                var (beta0, betas) = BetaSchedules.DdganVp(T, options.BetaMin, options.BetaMax, options.EpsSmall);
                return FromBetas(betas, beta0, ScheduleConvention.Ddgan);
        }
    }

    /// <summary>
    /// Builds a schedule from β_1..β_T (each in (0, 1]), an optional leading <paramref name="beta0"/> that only the
    /// training marginals include, and the arithmetic <paramref name="convention"/>.
    /// </summary>
    public static NoiseSchedule FromBetas(IReadOnlyList<double> betas, double beta0 = 0.0,
        ScheduleConvention convention = ScheduleConvention.GuidedDiffusion)
    {
        ArgumentNullException.ThrowIfNull(betas);
        var identity = Enumerable.Range(0, betas.Count).ToArray();
        return new NoiseSchedule(betas.ToArray(), beta0, convention, identity, betas.Count);
    }

    /// <summary>
    /// The original indices a respacing spec keeps, ascending: "ddimN" (smallest integer stride giving exactly N
    /// steps) or a comma list "n1,n2,…" of per-section counts (guided-diffusion <c>space_timesteps</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The spec is malformed or cannot be met at this T.</exception>
    public static int[] SpaceTimesteps(int numTimesteps, string spec) => TimestepSpacing.Space(numTimesteps, spec);

    /// <summary>
    /// A new schedule on the retained indices of <see cref="SpaceTimesteps"/>: β′ = 1 − ᾱ_τ/ᾱ_prev walking the kept
    /// indices τ in order (IDDPM <c>SpacedDiffusion</c>), coefficients recomputed from β′ in the same convention,
    /// and <see cref="TimestepMap"/> composed so that it still points into the original schedule.
    /// </summary>
    /// <exception cref="ArgumentException">The spec is malformed or cannot be met.</exception>
    public NoiseSchedule Respace(string spec)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var kept = SpaceTimesteps(NumTimesteps, spec);
        var alphaBar = _tables[ScheduleCoefficient.AlphaBars];
        var newBetas = new double[kept.Length];
        var lastAlphaBar = 1.0;
        for (var j = 0; j < kept.Length; j++)
        {
            newBetas[j] = 1 - alphaBar[kept[j]] / lastAlphaBar;
            lastAlphaBar = alphaBar[kept[j]];
        }
        var map = kept.Select(i => _timestepMap[i]).ToArray();
        return new NoiseSchedule(newBetas, Beta0, Convention, map, OriginalNumTimesteps);
    }
}
