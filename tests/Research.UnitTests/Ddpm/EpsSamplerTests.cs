using Research.Core.Parameterizations;
using Research.Core.Sampling;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Ddpm;

/// <summary>
/// The shared ε-samplers against a closed form: for data x₀ ~ N(0, s²I) the optimal ε-predictor is
/// ε*(x_t) = √(1−ᾱ_t)·x_t / (ᾱ_t s² + 1 − ᾱ_t). Every reverse step is then linear, x ← A·x + σ·z, so the
/// variance of the samples follows a scalar recursion computed here in float64 from the same schedule;
/// the samplers must match it (and, with the full chain, the data variance s²).
/// </summary>
public class EpsSamplerTests
{
    private const double S = 0.5;

    private static EpsModel Optimal(NoiseSchedule trained) => (xt, t, _) =>
    {
        var ab = trained.Extract(ScheduleCoefficient.AlphaBars, t, xt.dim());
        return xt * (1 - ab).sqrt() / (ab * (S * S) + (1 - ab));
    };

    [TestCase("", SamplerKind.Ancestral, 0.0)]
    [TestCase("100", SamplerKind.Ancestral, 0.0)]
    [TestCase("ddim50", SamplerKind.Ddim, 0.0)]
    [TestCase("ddim50", SamplerKind.Ddim, 1.0)]
    public void Sample_OptimalEpsForGaussianData_RecoversDataStd(string steps, SamplerKind sampler, double eta)
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 1000 });
        using var g = new Generator(5);
        var request = new SampleRequest
        {
            NumSamples = 4000, Generator = g, Steps = steps, Sampler = sampler, Eta = eta, ClipDenoised = false, BatchSize = 4000,
        };
        using var x = EpsSampler.Sample(schedule, Optimal(schedule), [2], request, CPU, ReverseVariance.FixedSmall);
        Assert.That(x.shape, Is.EqualTo(new long[] { 4000, 2 }));
        double expected = Math.Sqrt(PredictedVariance(schedule, steps, sampler, eta));
        Assert.That(x.std().item<float>(), Is.EqualTo(expected).Within(0.02 * expected));
        Assert.That(Math.Abs(x.mean().item<float>()), Is.LessThan(0.03));
        if (steps == "") Assert.That(expected, Is.EqualTo(S).Within(0.005), "the full chain must reproduce the data variance");
    }

    /// <summary>Variance after the reverse chain, from v_T = 1 and v ← A²v + σ² per step.</summary>
    private static double PredictedVariance(NoiseSchedule trained, string steps, SamplerKind sampler, double eta)
    {
        using var chain = steps == "" ? null : trained.Respace(steps);
        var s = chain ?? trained;
        double v = 1;
        for (int i = s.NumTimesteps - 1; i >= 0; i--)
        {
            double ab = s.AlphaBars[i], abPrev = s.AlphaBarsPrev[i], a = Math.Sqrt(ab), b = Math.Sqrt(1 - ab);
            double c = a * S * S / (a * a * S * S + b * b);          // x̂₀ = c·x_t
            double e = (1 - a * c) / b;                               // ε̂ = e·x_t
            double coef, noiseVar;
            if (sampler == SamplerKind.Ddim)
            {
                double sigma2 = eta * eta * (1 - abPrev) / (1 - ab) * (1 - ab / abPrev);
                coef = Math.Sqrt(abPrev) * c + Math.Sqrt(1 - abPrev - sigma2) * e;
                noiseVar = i > 0 ? sigma2 : 0;
            }
            else
            {
                coef = s.PosteriorMeanCoef1[i] * c + s.PosteriorMeanCoef2[i];
                noiseVar = i > 0 ? Math.Exp(s.PosteriorLogVarianceClipped[i]) : 0;
            }
            v = coef * coef * v + noiseVar;
        }
        return v;
    }

    [Test]
    public void Sample_WrongModel_StdIsOff()
    {
        // The same check must fail for a wrong model: ε ≡ 0 leaves x_T's scale untouched (std ≫ s).
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 1000 });
        using var g = new Generator(5);
        var request = new SampleRequest { NumSamples = 2000, Generator = g, Steps = "ddim20", Sampler = SamplerKind.Ddim, ClipDenoised = false };
        using var x = EpsSampler.Sample(schedule, (xt, _, _) => zeros_like(xt), [2], request, CPU, ReverseVariance.FixedSmall);
        Assert.That(Math.Abs(x.std().item<float>() - S), Is.GreaterThan(0.2));
    }

    [Test]
    public void NumFunctionEvaluations_Respaced_CountsRetainedSteps()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 1000 });
        using var g = new Generator(1);
        Assert.That(EpsSampler.NumFunctionEvaluations(schedule, new SampleRequest { NumSamples = 1, Generator = g }), Is.EqualTo(1000));
        Assert.That(EpsSampler.NumFunctionEvaluations(schedule, new SampleRequest { NumSamples = 1, Generator = g, Steps = "ddim25" }), Is.EqualTo(25));
        Assert.That(EpsSampler.NumFunctionEvaluations(schedule, new SampleRequest { NumSamples = 1, Generator = g, Steps = "4" }), Is.EqualTo(4));
    }

    [Test]
    public void Sample_CalledWithOriginalTimesteps()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 1000 });
        using var g = new Generator(1);
        var seen = new List<long>();
        EpsModel spy = (xt, t, _) => { seen.Add(t[0].item<long>()); return zeros_like(xt); };
        using var _ = EpsSampler.Sample(schedule, spy, [2], new SampleRequest { NumSamples = 3, Generator = g, Steps = "4" }, CPU, ReverseVariance.FixedLarge);
        Assert.That(seen, Is.EqualTo(new long[] { 999, 666, 333, 0 }));
    }
}
