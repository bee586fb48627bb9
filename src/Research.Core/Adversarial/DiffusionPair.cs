using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Adversarial;

/// <summary>
/// A real training pair of the adversarial diffusion families at a random step: x_{t−1} ~ q(x_{t−1} | x₀) and
/// x_t ~ q(x_t | x_{t−1}) (DDGAN arXiv 2112.07804 eq. 5, official <c>q_sample_pairs</c>; SIDDM arXiv 2306.12511
/// §3 uses the same real chain). <see cref="T"/> is the code index of the less-noisy member, the time input of
/// both networks (docs/methods.md §4.2). Tensors live in the caller's dispose scope.
/// </summary>
/// <param name="T">Step indices <c>[B]</c> (int64), uniform on 0..T−1.</param>
/// <param name="X0">The clean data <c>[B, ...]</c> the pair was drawn from (not a copy).</param>
/// <param name="XPrev">x_{t−1} <c>[B, ...]</c>.</param>
/// <param name="XT">x_t <c>[B, ...]</c>.</param>
public sealed record DiffusionPair(Tensor T, Tensor X0, Tensor XPrev, Tensor XT)
{
    /// <summary>Draws t, ε, ε′ (in that order) from <paramref name="generator"/> and builds the pair from <paramref name="x0"/> <c>[B, ...]</c>.</summary>
    public static DiffusionPair Draw(NoiseSchedule schedule, Tensor x0, Generator generator)
    {
        var t = randint(0, schedule.NumTimesteps, [x0.shape[0]], dtype: int64, device: x0.device, generator: generator);
        var eps = randn(x0.shape, device: x0.device, generator: generator);
        var epsPrime = randn(x0.shape, device: x0.device, generator: generator);
        var (xPrev, xT) = schedule.ForwardPair(x0, t, eps, epsPrime);
        return new DiffusionPair(t, x0, xPrev, xT);
    }

    /// <summary>
    /// x^{(t)} = a_t x + σ_t ε, the training marginal at index t including DDGAN's β₀ (<see cref="NoiseSchedule.ForwardA"/>,
    /// <see cref="NoiseSchedule.ForwardSigma"/>): the clean member of a pair. Used to diffuse real and generated
    /// samples alike ("diffusion as augmentation", DDGAN Table 2). Shapes: x, ε, result <c>[B, ...]</c>.
    /// </summary>
    public static Tensor Diffuse(NoiseSchedule schedule, Tensor x, Tensor t, Tensor eps)
    {
        var a = schedule.Extract(ScheduleCoefficient.ForwardA, t, x.dim()).to(x.device);
        var sigma = schedule.Extract(ScheduleCoefficient.ForwardSigma, t, x.dim()).to(x.device);
        return a.mul(x).add(sigma.mul(eps));
    }
}
