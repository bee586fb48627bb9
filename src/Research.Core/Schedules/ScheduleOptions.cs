using System.Globalization;

namespace Research.Core.Schedules;

/// <summary>
/// Options of the framework's one noise schedule: which β sequence to build and its parameters.
/// </summary>
/// <remarks>
/// Types: <c>"linear"</c> (DDPM, arXiv 2006.11239 §4, generalised to any T as in improved-diffusion),
/// <c>"cosine"</c> (improved DDPM, arXiv 2102.09672 eq. 17) and <c>"ddgan-vp"</c> (DDGAN's discretised
/// VP-SDE, arXiv 2112.07804 Appendix B / official <c>get_sigma_schedule</c>). JSON keys are the snake_case
/// forms of the property names; every message of <see cref="Validate"/> starts with that key.
/// </remarks>
public sealed class ScheduleOptions
{
    /// <summary>The names accepted by <see cref="Type"/>.</summary>
    public static IReadOnlyList<string> KnownTypes { get; } = ["linear", "cosine", "ddgan-vp"];

    /// <summary>
    /// <c>"linear"</c>, <c>"cosine"</c> or <c>"ddgan-vp"</c>. Default <c>"linear"</c>: the DDPM CIFAR-10 setting
    /// (arXiv 2006.11239 §4).
    /// </summary>
    public string Type { get; init; } = "linear";

    /// <summary>
    /// Number of diffusion steps T. Default 1000: DDPM / ADM (arXiv 2006.11239 §4, arXiv 2105.05233).
    /// DDGAN uses 4 on CIFAR-10 and 2 on CelebA-HQ (arXiv 2112.07804 §5).
    /// </summary>
    public int NumTimesteps { get; init; } = 1000;

    /// <summary>
    /// First β of the linear schedule. <c>null</c> means improved-diffusion's <c>1e-4 · 1000/T</c>
    /// (<c>get_named_beta_schedule</c>), which is DDPM's 1e-4 at T = 1000. Linear only.
    /// </summary>
    public double? BetaStart { get; init; }

    /// <summary>
    /// Last β of the linear schedule. <c>null</c> means improved-diffusion's <c>0.02 · 1000/T</c>, DDPM's 0.02 at
    /// T = 1000. Linear only.
    /// </summary>
    public double? BetaEnd { get; init; }

    /// <summary>Offset s of the cosine schedule. Default 0.008: improved DDPM (arXiv 2102.09672 §3.2).</summary>
    public double CosineS { get; init; } = 0.008;

    /// <summary>Upper clip of the cosine betas. Default 0.999: improved DDPM (arXiv 2102.09672 §3.2).</summary>
    public double MaxBeta { get; init; } = 0.999;

    /// <summary>β_min of the VP-SDE. Default 0.1: DDGAN's argparse default and CIFAR-10 command (arXiv 2112.07804).</summary>
    public double BetaMin { get; init; } = 0.1;

    /// <summary>β_max of the VP-SDE. Default 20: DDGAN's argparse default and CIFAR-10 command (arXiv 2112.07804).</summary>
    public double BetaMax { get; init; } = 20.0;

    /// <summary>
    /// Time offset ε_s of DDGAN's grid τ_i = ε_s + (1 − ε_s)·i/T. Default 1e-3: hard-coded <c>eps_small</c> in
    /// DDGAN's <c>get_sigma_schedule</c>.
    /// </summary>
    public double EpsSmall { get; init; } = 1e-3;

    /// <summary>
    /// Largest T accepted for <c>"ddgan-vp"</c>. The official arithmetic (reproduced here) is float32, whose
    /// cumulative products drift with many steps; the method itself targets T ≤ 8.
    /// </summary>
    public const int MaxDdganTimesteps = 1000;

    /// <summary>The linear schedule's first β after resolving <c>null</c> (improved-diffusion: 1e-4 · 1000/T).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double ResolvedBetaStart => BetaStart ?? 1000.0 / NumTimesteps * 0.0001;

    /// <summary>The linear schedule's last β after resolving <c>null</c> (improved-diffusion: 0.02 · 1000/T).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double ResolvedBetaEnd => BetaEnd ?? 1000.0 / NumTimesteps * 0.02;

    /// <summary>
    /// Checks every value and returns one human-readable message per problem (empty when valid). Each message starts
    /// with the snake_case option key and a colon, so the configuration layer can prefix the JSON path.
    /// </summary>
    public IEnumerable<string> Validate()
    {
        if (!KnownTypes.Contains(Type))
            yield return $"type: unknown schedule type '{Type}'; expected one of {string.Join(", ", KnownTypes)}";
        if (NumTimesteps < 1)
            yield return $"num_timesteps: must be at least 1, got {NumTimesteps}";

        if (Type != "linear")
        {
            if (BetaStart is not null) yield return $"beta_start: applies only to type 'linear', not '{Type}'";
            if (BetaEnd is not null) yield return $"beta_end: applies only to type 'linear', not '{Type}'";
        }

        switch (Type)
        {
            case "linear" when NumTimesteps >= 1:
                foreach (var m in ValidateLinear()) yield return m;
                break;
            case "cosine":
                if (!double.IsFinite(CosineS) || CosineS < 0)
                    yield return $"cosine_s: must be a finite number >= 0, got {Format(CosineS)}";
                if (!(MaxBeta > 0 && MaxBeta < 1))
                    yield return $"max_beta: must lie in (0, 1), got {Format(MaxBeta)}";
                break;
            case "ddgan-vp":
                if (!(BetaMin > 0) || !double.IsFinite(BetaMin))
                    yield return $"beta_min: must be a finite number > 0, got {Format(BetaMin)}";
                if (!(BetaMax >= BetaMin) || !double.IsFinite(BetaMax))
                    yield return $"beta_max: must be finite and >= beta_min ({Format(BetaMin)}), got {Format(BetaMax)}";
                if (!(EpsSmall > 0 && EpsSmall < 1))
                    yield return $"eps_small: must lie in (0, 1), got {Format(EpsSmall)}";
                if (NumTimesteps > MaxDdganTimesteps)
                    yield return $"num_timesteps: ddgan-vp supports at most {MaxDdganTimesteps} steps (DDGAN uses 1-8; "
                                 + $"did you keep the DDPM default of 1000?), got {NumTimesteps}";
                break;
        }
    }

    private IEnumerable<string> ValidateLinear()
    {
        var start = ResolvedBetaStart;
        var end = ResolvedBetaEnd;
        var startHow = BetaStart is null ? $" (resolved from 1e-4·1000/T at T={NumTimesteps})" : "";
        var endHow = BetaEnd is null ? $" (resolved from 0.02·1000/T at T={NumTimesteps}; set beta_end explicitly)" : "";
        if (!(start > 0 && start < 1))
            yield return $"beta_start: must lie in (0, 1), got {Format(start)}{startHow}";
        if (!(end > 0 && end < 1))
            yield return $"beta_end: must lie in (0, 1), got {Format(end)}{endHow}";
        else if (start > end)
            yield return $"beta_end: must be >= beta_start ({Format(start)}), got {Format(end)}";
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
