using Research.Core.Parameterizations;
using Research.Core.Runtime;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Sampling;

/// <summary>
/// The shared reverse processes for ε-models, on the trained chain or a respaced one (docs/methods.md §2.4):
/// ancestral sampling (DDPM, arXiv 2006.11239, Algorithm 2) with a fixed or learned variance (improved DDPM, arXiv
/// 2102.09672 eq. 15; docs/methods.md §3.4) and DDIM (arXiv 2010.02502, eq. 12), which ignores Σ, with the
/// classifier-guidance hook placed exactly as guided-diffusion does (arXiv 2105.05233, Algorithms 1–2: the ancestral mean
/// moves by s·Σ·∇log p with the Σ of the step). Any family with an ε-network samples through here, so guidance works with all
/// of them.
/// </summary>
public static class EpsSampler
{
    /// <summary>Number of network evaluations per sample for <paramref name="request"/>.</summary>
    public static int NumFunctionEvaluations(NoiseSchedule trained, SampleRequest request)
    {
        if (string.IsNullOrEmpty(request.Steps)) return trained.NumTimesteps;
        using var respaced = trained.Respace(request.Steps);
        return respaced.NumTimesteps;
    }

    /// <summary>
    /// Draws <c>request.NumSamples</c> samples <c>[N, ...sampleShape]</c> (float32, caller owns), in chunks
    /// of <c>request.BatchSize</c>. One dispose scope per reverse step; gradients only inside the guidance hook.
    /// </summary>
    /// <param name="trained">The trained chain (respaced here as the request asks).</param>
    /// <param name="model">The network; with <paramref name="learnsSigma"/> its output is <see cref="LearnedSigmaOutput"/>'s [ε̂, v].</param>
    /// <param name="sampleShape">Shape of one sample.</param>
    /// <param name="request">The sampling-time choices.</param>
    /// <param name="device">Where the network runs.</param>
    /// <param name="variance">Σ of the ancestral steps (DDIM ignores it); <see cref="ReverseVariance.Learned"/> needs
    /// <paramref name="learnsSigma"/>.</param>
    /// <param name="learnsSigma">The model outputs 2C channels [ε̂, v] (a fixed variance then uses ε̂ alone).</param>
    /// <exception cref="ArgumentException">Learned variance without <paramref name="learnsSigma"/>; guidance without labels.</exception>
    public static Tensor Sample(NoiseSchedule trained, EpsModel model, long[] sampleShape, SampleRequest request,
        Device device, ReverseVariance variance, bool learnsSigma = false)
    {
        if (variance == ReverseVariance.Learned && !learnsSigma)
            throw new ArgumentException("learned variance needs a model that outputs [ε, v] (trained with learned variance)", nameof(variance));
        using var respaced = string.IsNullOrEmpty(request.Steps) ? null : trained.Respace(request.Steps);
        var chain = respaced ?? trained;
        if (request.Guidance is not null && request.Labels is null)
            throw new ArgumentException("guided sampling needs target labels in the request");
        return ChunkedDraw.Run(request, chain.NumTimesteps, (start, n, done, total) =>
        {
            using var labels = request.Labels?.narrow(0, start, n).to(device);
            return SampleChunk(chain, model, sampleShape, n, labels, request, device, variance, learnsSigma, done, total);
        });
    }

    private static Tensor SampleChunk(NoiseSchedule chain, EpsModel model, long[] sampleShape, int n, Tensor? labels,
        SampleRequest request, Device device, ReverseVariance variance, bool learnsSigma, long done, long total)
    {
        using var noGrad = no_grad();
        long[] shape = [n, .. sampleShape];
        var x = randn(shape, generator: request.Generator, device: request.Generator.device).to(device);
        for (int i = chain.NumTimesteps - 1; i >= 0; i--)
        {
            request.BetweenSteps(done++, total, x);
            using var guard = GcGuard.Step();
            using var scope = NewDisposeScope();
            var tOrig = full([n], chain.TimestepMap[i], dtype: int64, device: device);
            var next = request.Sampler == SamplerKind.Ddim
                ? DdimStep(chain, model, x, i, tOrig, labels, request, learnsSigma)
                : AncestralStep(chain, model, x, i, tOrig, labels, request, variance, learnsSigma);
            next = next.MoveToOuterDisposeScope();
            x.Dispose();
            x = next;
        }
        return x;
    }

    /// <summary>x̂₀ from ε̂ (docs/methods.md §1.3), clipped to [−1, 1] when requested (clip_denoised).</summary>
    private static Tensor PredictX0(NoiseSchedule s, Tensor x, Tensor eps, int i, bool clip)
    {
        var x0 = x.Times(s.SqrtRecipAlphaBars[i]) - eps.Times(s.SqrtRecipM1AlphaBars[i]);
        return clip ? x0.ClampTo(-1.0, 1.0) : x0;
    }

    // Coefficients enter as owned Scalars (OwnedScalars): same ops and bits as `tensor * double`, nothing left to the
    // finalizer thread at every step of a 1000-step chain.
    // A learned Σ is a tensor (one value per element, LearnedVarianceAt); a fixed one a number of the step.
    private static Tensor AncestralStep(NoiseSchedule s, EpsModel model, Tensor x, int i, Tensor tOrig, Tensor? labels,
        SampleRequest request, ReverseVariance variance, bool learnsSigma)
    {
        var output = model(x, tOrig, labels);
        var eps = learnsSigma ? LearnedSigmaOutput.Eps(output) : output;
        var x0 = PredictX0(s, x, eps, i, request.ClipDenoised);
        var mean = x0.Times(s.PosteriorMeanCoef1[i]) + x.Times(s.PosteriorMeanCoef2[i]);
        Tensor? learnedVariance = null, learnedStd = null;
        double logVar = 0;
        if (variance == ReverseVariance.Learned) (learnedVariance, learnedStd) = s.LearnedVarianceAt(i, LearnedSigmaOutput.V(output));
        else logVar = variance == ReverseVariance.FixedSmall
            ? s.PosteriorLogVarianceClipped[i]
            : Math.Log(i == 0 ? (s.NumTimesteps > 1 ? s.PosteriorVariance[1] : s.Betas[0]) : s.Betas[i]);
        if (request.Guidance is not null)
        {
            var grad = request.Guidance.ScaledGradient(x, tOrig, labels!);
            mean = mean + (learnedVariance is null ? grad.Times(Math.Exp(logVar)) : grad * learnedVariance); // μ + s·Σ·∇log p (Alg. 1)
        }
        if (i == 0) return mean;
        var z = randn(x.shape, generator: request.Generator, device: request.Generator.device).to(x.device);
        return mean + (learnedStd is null ? z.Times(Math.Exp(0.5 * logVar)) : z * learnedStd);
    }

    private static Tensor DdimStep(NoiseSchedule s, EpsModel model, Tensor x, int i, Tensor tOrig, Tensor? labels,
        SampleRequest request, bool learnsSigma)
    {
        double alphaBar = s.AlphaBars[i], alphaBarPrev = s.AlphaBarsPrev[i];
        var output = model(x, tOrig, labels);
        var eps = learnsSigma ? LearnedSigmaOutput.Eps(output) : output;   // DDIM ignores Σ
        var x0 = PredictX0(s, x, eps, i, request.ClipDenoised);
        if (request.Guidance is not null)
        {
            // guided-diffusion condition_score: ε re-derived from the clipped x̂₀, then shifted (Alg. 2).
            var epsGuided = (x.Times(s.SqrtRecipAlphaBars[i]) - x0).Over(s.SqrtRecipM1AlphaBars[i])
                            - request.Guidance.ScaledGradient(x, tOrig, labels!).Times(Math.Sqrt(1 - alphaBar));
            x0 = x.Times(s.SqrtRecipAlphaBars[i]) - epsGuided.Times(s.SqrtRecipM1AlphaBars[i]);
        }
        var epsHat = (x.Times(s.SqrtRecipAlphaBars[i]) - x0).Over(s.SqrtRecipM1AlphaBars[i]);
        double sigma = request.Eta * Math.Sqrt((1 - alphaBarPrev) / (1 - alphaBar)) * Math.Sqrt(1 - alphaBar / alphaBarPrev);
        var mean = x0.Times(Math.Sqrt(alphaBarPrev)) + epsHat.Times(Math.Sqrt(Math.Max(1 - alphaBarPrev - sigma * sigma, 0)));
        if (i == 0 || sigma == 0) return mean;
        var z = randn(x.shape, generator: request.Generator, device: request.Generator.device).to(x.device);
        return mean + z.Times(sigma);
    }
}
