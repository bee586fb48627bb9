using Research.Core.Parameterizations;
using Research.Core.Sampling;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Ddpm;

/// <summary>
/// The ancestral sampler with improved DDPM's learned Σ (arXiv 2102.09672 eq. 15): at v = ±1 it is the fixed-large /
/// fixed-small sampler bit for bit, on the full chain and respaced; guidance moves the mean by exactly s·Σ·∇ with the learned
/// Σ (ADM, arXiv 2105.05233 Algorithm 1).
/// </summary>
public class LearnedVarianceSamplerTests
{
    // Some ε-model with structure in x and t (not a closed form: only equality between samplers is asserted).
    private static Tensor Eps(Tensor xt, Tensor t) => (xt * 1.3).sin() * 0.4 + t.to(float32).unsqueeze(1) * 0.003;

    private static EpsModel WithV(float v) => (xt, t, _) =>
    {
        using var eps = Eps(xt, t);
        using var vs = full_like(xt, v);
        return cat([eps, vs], 1);
    };

    private sealed class ConstantGuidance(Tensor gradient) : IGuidance
    {
        public Tensor ScaledGradient(Tensor xt, Tensor t, Tensor labels) => gradient.expand_as(xt).clone();
    }

    private static Tensor Draw(NoiseSchedule schedule, EpsModel model, ReverseVariance variance, bool learnsSigma, string? steps,
        IGuidance? guidance = null, bool clip = true)
    {
        using var g = new Generator(21);
        using var labels = zeros(64, dtype: int64);
        var request = new SampleRequest
        {
            NumSamples = 64, Generator = g, Steps = steps, ClipDenoised = clip, Guidance = guidance, Labels = guidance is null ? null : labels,
        };
        return EpsSampler.Sample(schedule, model, [2], request, CPU, variance, learnsSigma);
    }

    [TestCase(null, "linear")]
    [TestCase("10", "linear")]
    [TestCase("3,2", "cosine")]
    public void Learned_VAtPlusMinusOne_EqualsFixedSamplerBitForBit(string? steps, string type)
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = type, NumTimesteps = 40 });
        EpsModel epsOnly = (xt, t, _) => Eps(xt, t);
        using var large = Draw(schedule, epsOnly, ReverseVariance.FixedLarge, false, steps);
        using var small = Draw(schedule, epsOnly, ReverseVariance.FixedSmall, false, steps);
        Assert.That(TestTensors.AreIdentical(large, small), Is.False, "the two fixed variances give different samples: the check can fail");
        using var learnedLarge = Draw(schedule, WithV(1f), ReverseVariance.Learned, true, steps);
        using var learnedSmall = Draw(schedule, WithV(-1f), ReverseVariance.Learned, true, steps);
        Assert.That(TestTensors.AreIdentical(learnedLarge, large), Is.True, "v = +1 is fixed-large");
        Assert.That(TestTensors.AreIdentical(learnedSmall, small), Is.True, "v = −1 is fixed-small");
        // A learned-Σ model sampled with a fixed variance uses ε̂ alone.
        using var fixedOnLearned = Draw(schedule, WithV(0.3f), ReverseVariance.FixedSmall, true, steps);
        Assert.That(TestTensors.AreIdentical(fixedOnLearned, small), Is.True);
    }

    [Test]
    public void Learned_GuidedAtVMinusOne_EqualsGuidedFixedSmallBitForBit()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 40 });
        using var grad = tensor(new float[] { 0.8f, -0.5f });
        EpsModel epsOnly = (xt, t, _) => Eps(xt, t);
        using var small = Draw(schedule, epsOnly, ReverseVariance.FixedSmall, false, "10", new ConstantGuidance(grad));
        using var learned = Draw(schedule, WithV(-1f), ReverseVariance.Learned, true, "10", new ConstantGuidance(grad));
        Assert.That(TestTensors.AreIdentical(learned, small), Is.True);
    }

    [TestCase(null)]
    [TestCase("7")]
    public void Guidance_LearnedSigma_MovesEachMeanByExactlySigmaTimesGradient(string? steps)
    {
        // ε̂ = 0 and no clipping make each step linear, x ← A_i x + Σ_i g + σ_i z; with the same noise the guided and unguided
        // chains differ by d ← A_i d + Σ_i g, A_i = c1_i·√(1/ᾱ_i) + c2_i, with Σ_i the learned Σ of the (respaced) chain.
        using var trained = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 30 });
        using var chain = steps is null ? null : trained.Respace(steps);
        var s = chain ?? trained;
        float[] v = [0.4f, -0.7f];                                       // one v per coordinate: Σ differs between them
        EpsModel model = (xt, _, _) =>
        {
            using var vs = tensor(v).expand(xt.shape[0], 2);
            return cat([zeros_like(xt), vs], 1);
        };
        double[] g = [0.8, -0.5];
        using var grad = tensor(g.Select(x => (float)x).ToArray());
        using var guided = Draw(trained, model, ReverseVariance.Learned, true, steps, new ConstantGuidance(grad), clip: false);
        using var plain = Draw(trained, model, ReverseVariance.Learned, true, steps, clip: false);
        for (int d = 0; d < 2; d++)
        {
            double diff = 0;
            for (int i = s.NumTimesteps - 1; i >= 0; i--)
            {
                double f = (v[d] + 1) / 2.0;
                double sigma2 = Math.Exp(f * Math.Log(s.Betas[i]) + (1 - f) * s.PosteriorLogVarianceClipped[i]);   // IDDPM eq. 15
                double a = s.PosteriorMeanCoef1[i] * s.SqrtRecipAlphaBars[i] + s.PosteriorMeanCoef2[i];
                diff = a * diff + sigma2 * g[d];
            }
            using var shift = (guided - plain).select(1, d);
            Assert.That(shift.min().item<float>(), Is.EqualTo(diff).Within(Math.Max(1e-6, Math.Abs(diff) * 1e-4)), $"coordinate {d}");
            Assert.That(shift.max().item<float>(), Is.EqualTo(diff).Within(Math.Max(1e-6, Math.Abs(diff) * 1e-4)), $"coordinate {d}");
        }
    }
}
