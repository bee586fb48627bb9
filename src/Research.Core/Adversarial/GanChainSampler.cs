using Research.Core.Parameterizations;
using Research.Core.Runtime;
using Research.Core.Sampling;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Adversarial;

/// <summary>
/// The reverse chain of the adversarial diffusion families (DDGAN arXiv 2112.07804 §4 / Algorithm in App. C;
/// SIDDM arXiv 2306.12511 §3): x_T ~ N(0, I), then one generator evaluation per step, T network evaluations in
/// all. Also the posterior step both families take from a predicted x̂₀, in training and in sampling.
/// </summary>
public static class GanChainSampler
{
    /// <summary>
    /// Checks that <paramref name="request"/> asks for the trained chain: a GAN chain cannot be respaced, since its
    /// generator was trained only on the trained steps. <c>null</c>, empty or the trained count are accepted.
    /// </summary>
    /// <returns>The number of steps (network evaluations) the chain runs.</returns>
    /// <exception cref="ArgumentException">Any other step request.</exception>
    public static int CheckSteps(string family, int trainedSteps, SampleRequest request) =>
        StepsProblem(family, trainedSteps, request.Steps) is { } problem ? throw new ArgumentException(problem) : trainedSteps;

    /// <summary>Why <paramref name="steps"/> cannot be sampled by a chain trained with <paramref name="trainedSteps"/> steps; null when it can.</summary>
    public static string? StepsProblem(string family, int trainedSteps, string? steps) =>
        string.IsNullOrEmpty(steps) || steps == trainedSteps.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ? null
            : $"{family} samples with exactly the {trainedSteps} step(s) it was trained for; "
              + $"steps '{steps}' would need retraining (leave steps empty or set \"{trainedSteps}\")";

    /// <summary>
    /// What a sampling request asks of an adversarial chain that it cannot do or would ignore: another step count, the
    /// ε-samplers' choices (DDIM, η, clipping), guidance or labels (the chain is unconditional). Messages start with the
    /// request's key.
    /// </summary>
    /// <param name="family">The family's key, for messages.</param>
    /// <param name="chainSteps">Steps of the trained chain (T; 1 for a one-shot generator).</param>
    /// <param name="request">The request.</param>
    public static IEnumerable<string> SamplingProblems(string family, int chainSteps, Experiments.SamplingOptions request)
    {
        if (StepsProblem(family, chainSteps, request.Steps) is { } steps) yield return "steps: " + steps;
        if (request.SamplerKind != SamplerKind.Ancestral)
            yield return $"sampler: '{request.Sampler}' is an ε-model sampler; {family} always runs its own chain (remove sampler)";
        if (request.Eta != 0)
            yield return $"eta: {family} has no DDIM step, so η would do nothing (remove eta)";
        if (request.Variance.Length > 0)
            yield return $"variance: {family}'s chain steps from the posterior q(x_{{t−1}} | x_t, x̂₀), which has no reverse variance to choose (remove variance)";
        if (!request.ClipDenoised)
            yield return $"clip_denoised: {family}'s generator outputs x̂₀ itself, nothing is clipped, so false would do nothing (remove it)";
        if (request.GuidanceScale != 0)
            yield return $"guidance_scale: {family} has no classifier to guide with, so it would do nothing (remove it, or use classifier-guided)";
        if (request.Labels.Length > 0)
            yield return $"labels: {family} is not class-conditional, so labels would do nothing (remove them)";
    }

    /// <summary>
    /// x_{t−1} ~ q(x_{t−1} | x_t, x̂₀) with fresh noise from <paramref name="generator"/> (DDGAN eq. 9,
    /// <c>sample_posterior</c>); where t = 0 the result is x̂₀ itself. Shapes: x̂₀, x_t, result <c>[B, ...]</c>; t <c>[B]</c>.
    /// </summary>
    public static Tensor PosteriorStep(NoiseSchedule schedule, Tensor x0Pred, Tensor xt, Tensor t, Generator generator)
    {
        var noise = randn(xt.shape, generator: generator, device: generator.device).to(xt.device);
        var xPrev = schedule.QPosteriorSample(x0Pred, xt, t, noise);
        var last = t.eq(0L).reshape([t.shape[0], .. Enumerable.Repeat(1L, (int)xt.dim() - 1)]);
        return where(last, x0Pred, xPrev);
    }

    /// <summary>
    /// Runs the chain: x ← <paramref name="step"/>(x, t) for t = <paramref name="numSteps"/>−1 … 0 from x ~ N(0, I),
    /// in chunks of <c>request.BatchSize</c>, under no_grad, one dispose scope per step. Returns <c>[N, ...sampleShape]</c>
    /// (caller owns). The step draws its own z and noise from <c>request.Generator</c> and returns x̂₀ at t = 0.
    /// </summary>
    public static Tensor Sample(int numSteps, Func<Tensor, Tensor, Tensor> step, long[] sampleShape, SampleRequest request, Device device)
    {
        using var noGrad = no_grad();
        return ChunkedDraw.Run(request, numSteps, (_, n, done, total) =>
        {
            var x = randn([n, .. sampleShape], generator: request.Generator, device: request.Generator.device).to(device);
            for (int i = numSteps - 1; i >= 0; i--)
            {
                request.BetweenSteps(done++, total, x);
                using var guard = GcGuard.Step();
                using var scope = NewDisposeScope();
                var t = full([n], i, dtype: int64, device: device);
                var next = step(x, t).MoveToOuterDisposeScope();
                x.Dispose();
                x = next;
            }
            return x;
        });
    }
}
