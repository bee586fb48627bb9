using Research.Core.Schedules;
using Research.Core.Sampling;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Losses;

/// <summary>Training losses shared by every family that trains an ε-network or a noisy classifier.</summary>
public static class DiffusionLosses
{
    /// <summary>
    /// L_simple = E_{t,x₀,ε} ‖ε − ε_θ(√ᾱ_t x₀ + √(1−ᾱ_t) ε, t)‖² with t uniform over the chain
    /// (Ho et al., arXiv 2006.11239, eq. 14); mean over every element (guided-diffusion's mean_flat, then batch mean).
    /// </summary>
    /// <param name="schedule">The shared schedule.</param>
    /// <param name="epsModel">ε_θ(x_t, t, y).</param>
    /// <param name="x0">Clean batch <c>[B, ...]</c>.</param>
    /// <param name="labels">Labels passed to the model (class-conditional), or null.</param>
    /// <param name="generator">Source of t and ε.</param>
    public static Tensor Simple(NoiseSchedule schedule, EpsModel epsModel, Tensor x0, Tensor? labels, Generator generator)
    {
        var t = randint(0, schedule.NumTimesteps, [x0.shape[0]], dtype: int64, device: x0.device, generator: generator);
        var eps = randn(x0.shape, device: x0.device, generator: generator);
        var xt = schedule.QSample(x0, t, eps);
        return nn.functional.mse_loss(epsModel(xt, t, labels), eps);
    }

    /// <summary>
    /// Improved DDPM's L_hybrid = L_simple + λ·L_vlb for a network that outputs [ε̂, v] (arXiv 2102.09672 eq. 16;
    /// <see cref="HybridLoss.Compute"/>), on t, ε and x_t drawn exactly as <see cref="Simple"/> draws them.
    /// </summary>
    /// <param name="schedule">The shared schedule.</param>
    /// <param name="model">The network, output [ε̂, v] with 2C channels.</param>
    /// <param name="x0">Clean batch <c>[B, ...]</c>.</param>
    /// <param name="labels">Labels passed to the model (class-conditional), or null.</param>
    /// <param name="generator">Source of t and ε.</param>
    /// <param name="vlbWeight">λ.</param>
    /// <param name="vlbBits">T·E[L_t] in bits per dimension, detached (for the log).</param>
    public static Tensor Hybrid(NoiseSchedule schedule, EpsModel model, Tensor x0, Tensor? labels, Generator generator, double vlbWeight,
        out Tensor vlbBits)
    {
        var t = randint(0, schedule.NumTimesteps, [x0.shape[0]], dtype: int64, device: x0.device, generator: generator);
        var eps = randn(x0.shape, device: x0.device, generator: generator);
        var xt = schedule.QSample(x0, t, eps);
        return HybridLoss.Compute(schedule, model(xt, t, labels), eps, x0, xt, t, vlbWeight, out vlbBits);
    }

    /// <summary>
    /// Cross-entropy of a noisy classifier p_φ(y | x_t, t) on x_t ~ q(x_t | x₀), t uniform (ADM, arXiv 2105.05233
    /// §4 and guided-diffusion's classifier_train.py). Returns the mean loss; <paramref name="accuracy"/> is the
    /// batch accuracy as a tensor (for logging without a host sync).
    /// </summary>
    public static Tensor NoisyClassifier(NoiseSchedule schedule, Func<Tensor, Tensor, Tensor> classifier, Tensor x0, Tensor labels,
        Generator generator, out Tensor accuracy)
    {
        var t = randint(0, schedule.NumTimesteps, [x0.shape[0]], dtype: int64, device: x0.device, generator: generator);
        var eps = randn(x0.shape, device: x0.device, generator: generator);
        var logits = classifier(schedule.QSample(x0, t, eps), t);                        // [B, K]
        accuracy = logits.detach().argmax(1).eq(labels).to(float32).mean();
        return nn.functional.cross_entropy(logits, labels);
    }
}
