using Research.Core.Data;
using Research.Core.Parameterizations;
using Research.Core.Schedules;
using Research.Core.Sampling;
using TorchSharp;

namespace Research.Core.Losses;

/// <summary>
/// The ε-denoiser's loss term, shared by every ε-family: L_simple (DDPM, Ho et al. 2020 eq. 14) for a fixed-variance
/// network, or the hybrid L_simple + λ·L_vlb with L_vlb logged in bits per dimension (improved DDPM, Nichol &amp; Dhariwal
/// 2021 §3.1) for a network that also outputs v (<c>learn_sigma</c>).
/// </summary>
public static class EpsDenoiserTerm
{
    /// <summary>
    /// The term for network <paramref name="networkName"/>: <paramref name="epsModel"/> (the ε output) for L_simple, or
    /// <paramref name="fullModel"/> (ε and v) for the hybrid loss when <paramref name="learnSigma"/>.
    /// </summary>
    public static LossTerm Create(string networkName, NoiseSchedule schedule, EpsModel epsModel, EpsModel fullModel, TrainBatch batch,
        torch.Generator generator, bool learnSigma, double vlbWeight)
    {
        if (!learnSigma)
            return new LossTerm(networkName, "loss", () => DiffusionLosses.Simple(schedule, epsModel, batch.X0, batch.Labels, generator));
        LossTerm? term = null;
        term = new LossTerm(networkName, "loss", () =>
        {
            var loss = DiffusionLosses.Hybrid(schedule, fullModel, batch.X0, batch.Labels, generator, vlbWeight, out var vlb);
            term!.Parts[HybridLoss.VlbMetric] = vlb;
            return loss;
        });
        return term;
    }
}
