namespace Research.Core.Schedules;

/// <summary>
/// The β sequences of the supported schedules, computed with the same float64 operations (and in the same order)
/// as the official code, so that the coefficients derived from them match golden values to the last bits.
/// </summary>
/// <remarks>
/// Linear: DDPM (arXiv 2006.11239 §4) as generalised by improved-diffusion's <c>get_named_beta_schedule</c>.
/// Cosine: improved DDPM (arXiv 2102.09672 eq. 17) via <c>betas_for_alpha_bar</c>.
/// DDGAN VP: arXiv 2112.07804 Appendix B, official <c>get_time_schedule</c> / <c>var_func_vp</c> /
/// <c>get_sigma_schedule</c>.
/// </remarks>
public static class BetaSchedules
{
    /// <summary>β₀ that DDGAN prepends to its betas (an almost-identity step, "first = torch.tensor(1e-8)").</summary>
    public const double DdganBeta0 = 1e-8;

    /// <summary>
    /// <c>np.linspace(betaStart, betaEnd, T)</c> in float64: <c>i·step + start</c> with step = (end − start)/(T − 1)
    /// and the last entry set to <paramref name="betaEnd"/> exactly.
    /// </summary>
    public static double[] Linear(int numTimesteps, double betaStart, double betaEnd)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numTimesteps, 1);
        var betas = new double[numTimesteps];
        if (numTimesteps == 1)
        {
            betas[0] = betaStart; // numpy: div = 0, so y = [start]
            return betas;
        }
        var step = (betaEnd - betaStart) / (numTimesteps - 1);
        for (var i = 0; i < numTimesteps; i++) betas[i] = i * step + betaStart;
        betas[^1] = betaEnd;
        return betas;
    }

    /// <summary>
    /// Cosine schedule: β_i = min(1 − f((i+1)/T)/f(i/T), maxBeta) with f(u) = cos²(((u + s)/(1 + s))·π/2).
    /// </summary>
    public static double[] Cosine(int numTimesteps, double s = 0.008, double maxBeta = 0.999)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numTimesteps, 1);
        var betas = new double[numTimesteps];
        for (var i = 0; i < numTimesteps; i++)
        {
            var u1 = (double)i / numTimesteps;
            var u2 = (double)(i + 1) / numTimesteps;
            betas[i] = Math.Min(1 - CosineAlphaBar(u2, s) / CosineAlphaBar(u1, s), maxBeta);
        }
        return betas;
    }

    /// <summary>f(u) = cos²(((u + s)/(1 + s))·π/2), evaluated as Python's <c>math.cos(...) ** 2</c>.</summary>
    public static double CosineAlphaBar(double u, double s = 0.008)
    {
        var c = Math.Cos((u + s) / (1 + s) * Math.PI / 2);
        return c * c;
    }

    /// <summary>DDGAN's time grid τ_i = (i/T)·(1 − ε_s) + ε_s, i = 0..T (float64, T + 1 entries).</summary>
    public static double[] DdganTimes(int numTimesteps, double epsSmall = 1e-3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numTimesteps, 1);
        var tau = new double[numTimesteps + 1];
        for (var i = 0; i <= numTimesteps; i++) tau[i] = (double)i / numTimesteps * (1.0 - epsSmall) + epsSmall;
        return tau;
    }

    /// <summary>
    /// VP-SDE marginal variance 1 − ᾱ(τ) with log √ᾱ(τ) = −¼τ²(β_max − β_min) − ½τβ_min (DDGAN <c>var_func_vp</c>).
    /// </summary>
    public static double DdganVpVariance(double tau, double betaMin = 0.1, double betaMax = 20.0)
    {
        var logMeanCoeff = -0.25 * (tau * tau) * (betaMax - betaMin) - 0.5 * tau * betaMin;
        return 1.0 - Math.Exp(2.0 * logMeanCoeff);
    }

    /// <summary>
    /// DDGAN's betas in float64, before the official float32 cast: β₀ = <see cref="DdganBeta0"/> and
    /// β_i = 1 − ᾱ(τ_i)/ᾱ(τ_{i−1}) for i = 1..T, where ᾱ(τ) = 1 − <see cref="DdganVpVariance"/>.
    /// </summary>
    /// <returns>β₀ and the T betas β_1..β_T.</returns>
    public static (double Beta0, double[] Betas) DdganVp(
        int numTimesteps, double betaMin = 0.1, double betaMax = 20.0, double epsSmall = 1e-3)
    {
        var tau = DdganTimes(numTimesteps, epsSmall);
        var alphaBar = tau.Select(x => 1.0 - DdganVpVariance(x, betaMin, betaMax)).ToArray();
        var betas = new double[numTimesteps];
        for (var i = 1; i <= numTimesteps; i++) betas[i - 1] = 1 - alphaBar[i] / alphaBar[i - 1];
        return (DdganBeta0, betas);
    }
}
