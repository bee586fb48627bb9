using System.Numerics;

namespace Research.Core.Schedules;

/// <summary>
/// Derives every <see cref="ScheduleCoefficient"/> table from the betas, in the precision and operation order of
/// the chosen <see cref="ScheduleConvention"/> (DDPM arXiv 2006.11239 eqs. 4, 6, 7).
/// </summary>
internal static class CoefficientBuilder
{
    public static Dictionary<ScheduleCoefficient, double[]> Build(
        IReadOnlyList<double> betas, double beta0, ScheduleConvention convention) => convention switch
    {
        // float64 numpy, log-variance index 0 := index 1 (guided-diffusion).
        ScheduleConvention.GuidedDiffusion => Build<double>(betas, beta0, ddgan: false),
        // float32 torch / numpy (DDGAN): the betas themselves are rounded to float32 first.
        ScheduleConvention.Ddgan => Build<float>(betas, beta0, ddgan: true),
        _ => throw new ArgumentOutOfRangeException(nameof(convention), convention, "unknown convention"),
    };

    private static Dictionary<ScheduleCoefficient, double[]> Build<T>(
        IReadOnlyList<double> betasIn, double beta0In, bool ddgan) where T : IFloatingPointIeee754<T>
    {
        var n = betasIn.Count;
        T one = T.One, zero = T.Zero;
        var beta = betasIn.Select(T.CreateTruncating).ToArray();
        var alpha = beta.Select(b => one - b).ToArray();

        // Cumulative product. numpy float64 and torch's CPU cumprod both carry the running product in double
        // (torch: at::acc_type<float, /*is_cuda=*/false> = double) and round each output to T.
        var alphaBar = new T[n];
        var acc = 1.0;
        for (var i = 0; i < n; i++)
        {
            acc *= double.CreateTruncating(alpha[i]);
            alphaBar[i] = T.CreateTruncating(acc);
        }

        var prev = new T[n];
        var next = new T[n];
        for (var i = 0; i < n; i++)
        {
            prev[i] = i == 0 ? one : alphaBar[i - 1];
            next[i] = i == n - 1 ? zero : alphaBar[i + 1];
        }

        var posteriorVariance = Map(i => beta[i] * (one - prev[i]) / (one - alphaBar[i]));
        var posteriorLogVariance = ddgan
            ? Map(i => T.Log(T.Max(posteriorVariance[i], T.CreateTruncating(1e-20))))
            : Map(i => T.Log(posteriorVariance[n > 1 && i == 0 ? 1 : i]));

        var tables = new Dictionary<ScheduleCoefficient, double[]>
        {
            [ScheduleCoefficient.Betas] = Widen(beta),
            [ScheduleCoefficient.Alphas] = Widen(alpha),
            [ScheduleCoefficient.AlphaBars] = Widen(alphaBar),
            [ScheduleCoefficient.AlphaBarsPrev] = Widen(prev),
            [ScheduleCoefficient.AlphaBarsNext] = Widen(next),
            [ScheduleCoefficient.SqrtAlphaBars] = Widen(Map(i => T.Sqrt(alphaBar[i]))),
            [ScheduleCoefficient.SqrtOneMinusAlphaBars] = Widen(Map(i => T.Sqrt(one - alphaBar[i]))),
            [ScheduleCoefficient.LogOneMinusAlphaBars] = Widen(Map(i => T.Log(one - alphaBar[i]))),
            // guided-diffusion: np.sqrt(1.0 / acp); DDGAN: torch.rsqrt(acp), i.e. 1 / sqrt(acp).
            [ScheduleCoefficient.SqrtRecipAlphaBars] = Widen(ddgan
                ? Map(i => one / T.Sqrt(alphaBar[i]))
                : Map(i => T.Sqrt(one / alphaBar[i]))),
            [ScheduleCoefficient.SqrtRecipM1AlphaBars] = Widen(Map(i => T.Sqrt(one / alphaBar[i] - one))),
            [ScheduleCoefficient.PosteriorVariance] = Widen(posteriorVariance),
            [ScheduleCoefficient.PosteriorLogVarianceClipped] = Widen(posteriorLogVariance),
            [ScheduleCoefficient.PosteriorMeanCoef1] =
                Widen(Map(i => beta[i] * T.Sqrt(prev[i]) / (one - alphaBar[i]))),
            [ScheduleCoefficient.PosteriorMeanCoef2] =
                Widen(Map(i => (one - prev[i]) * T.Sqrt(alpha[i]) / (one - alphaBar[i]))),
            [ScheduleCoefficient.SqrtAlphas] = Widen(Map(i => T.Sqrt(alpha[i]))),
            [ScheduleCoefficient.SqrtBetas] = Widen(Map(i => T.Sqrt(beta[i]))),
            [ScheduleCoefficient.LogBetas] = Widen(Map(i => T.Log(beta[i]))),
            // guided-diffusion's ddim_sample at eta = 1: sqrt((1 - prev)/(1 - acp)) * sqrt(1 - acp/prev).
            [ScheduleCoefficient.DdimSigmaAtEtaOne] =
                Widen(Map(i => T.Sqrt((one - prev[i]) / (one - alphaBar[i])) * T.Sqrt(one - alphaBar[i] / prev[i]))),
        };

        var (forwardA, forwardSigma) = ddgan
            ? DdganForward(beta, T.CreateTruncating(beta0In))
            : GuidedForward(alphaBar, T.CreateTruncating(beta0In));
        tables[ScheduleCoefficient.ForwardA] = Widen(forwardA);
        tables[ScheduleCoefficient.ForwardSigma] = Widen(forwardSigma);
        return tables;

        T[] Map(Func<int, T> f)
        {
            var r = new T[n];
            for (var i = 0; i < n; i++) r[i] = f(i);
            return r;
        }
    }

    /// <summary>
    /// DDGAN <c>Diffusion_Coefficients</c>: a_s = √(1 − β) per step (β₀ included), <c>np.cumprod</c> in the array's
    /// own float32 (numpy does not widen the accumulator), σ = √(1 − a²).
    /// </summary>
    private static (T[] A, T[] Sigma) DdganForward<T>(T[] beta, T beta0) where T : IFloatingPointIeee754<T>
    {
        var a = new T[beta.Length + 1];
        var sigma = new T[beta.Length + 1];
        var acc = T.Sqrt(T.One - beta0);
        for (var k = 0; k <= beta.Length; k++)
        {
            if (k > 0) acc *= T.Sqrt(T.One - beta[k - 1]);
            a[k] = acc;
            sigma[k] = T.Sqrt(T.One - acc * acc);
        }
        return (a, sigma);
    }

    /// <summary>
    /// a_k = √((1 − β₀)·ᾱ_{k−1}) with ᾱ_{−1} = 1, σ_k = √(1 − a_k²). With β₀ = 0 these are exactly √ᾱ_{k−1} and
    /// √(1 − ᾱ_{k−1}), the same numbers as <see cref="ScheduleCoefficient.SqrtAlphaBars"/> and
    /// <see cref="ScheduleCoefficient.SqrtOneMinusAlphaBars"/>.
    /// </summary>
    private static (T[] A, T[] Sigma) GuidedForward<T>(T[] alphaBar, T beta0) where T : IFloatingPointIeee754<T>
    {
        var a = new T[alphaBar.Length + 1];
        var sigma = new T[alphaBar.Length + 1];
        for (var k = 0; k <= alphaBar.Length; k++)
        {
            var aSquared = (T.One - beta0) * (k == 0 ? T.One : alphaBar[k - 1]);
            a[k] = T.Sqrt(aSquared);
            sigma[k] = T.Sqrt(T.One - aSquared);
        }
        return (a, sigma);
    }

    private static double[] Widen<T>(T[] values) where T : IFloatingPointIeee754<T> =>
        values.Select(double.CreateTruncating).ToArray();
}
