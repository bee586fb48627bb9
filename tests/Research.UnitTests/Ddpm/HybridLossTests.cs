using Research.Core.Losses;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Ddpm;

/// <summary>
/// Improved DDPM's hybrid loss (arXiv 2102.09672 eqs. 15–16) against values computed here by hand in float64 from the
/// definitions, the variational bound of the true posterior, and the stop-gradient on the mean.
/// </summary>
public class HybridLossTests
{
    private static readonly double[] Betas = [0.1, 0.2, 0.3];

    // Φ as the discretised decoder defines it (tanh approximation, DDPM eq. 13 / IDDPM §2.1).
    private static double Cdf(double x) => 0.5 * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    /// <summary>L_t in bits for one scalar sample, from DDPM eqs. 4, 6, 7, 13 and IDDPM eq. 15, by hand.</summary>
    private static double TermBits(int t, double x0, double noise, double epsHat, double v)
    {
        var alphaBar = new double[3];
        double acc = 1;
        for (int i = 0; i < 3; i++) alphaBar[i] = acc *= 1 - Betas[i];
        double ab = alphaBar[t], abPrev = t == 0 ? 1 : alphaBar[t - 1], beta = Betas[t];
        double xt = Math.Sqrt(ab) * x0 + Math.Sqrt(1 - ab) * noise;
        double x0Hat = Math.Sqrt(1 / ab) * xt - Math.Sqrt(1 / ab - 1) * epsHat;
        double c1 = beta * Math.Sqrt(abPrev) / (1 - ab), c2 = (1 - abPrev) * Math.Sqrt(1 - beta) / (1 - ab);
        double modelMean = c1 * x0Hat + c2 * xt, trueMean = c1 * x0 + c2 * xt;
        double PosteriorVariance(int i) => Betas[i] * (1 - (i == 0 ? 1 : alphaBar[i - 1])) / (1 - alphaBar[i]);
        double minLog = Math.Log(PosteriorVariance(t == 0 ? 1 : t)), maxLog = Math.Log(beta);   // β̃ clipped at index 0
        double f = (v + 1) / 2, logVar = f * maxLog + (1 - f) * minLog;
        if (t == 0)
        {
            double s = Math.Exp(0.5 * logVar), d = 1.0 / 255;
            return -Math.Log(Cdf((x0 + d - modelMean) / s) - Cdf((x0 - d - modelMean) / s)) / Math.Log(2);
        }
        double trueLog = Math.Log(PosteriorVariance(t));
        double kl = 0.5 * (-1 + logVar - trueLog + Math.Exp(trueLog - logVar) + Math.Pow(trueMean - modelMean, 2) * Math.Exp(-logVar));
        return kl / Math.Log(2);
    }

    [Test]
    public void Compute_TinyCase_MatchesHandComputedValues()
    {
        using var schedule = NoiseSchedule.FromBetas(Betas);
        double[] x0 = [0.3, -0.5], noise = [0.7, -1.1], epsHat = [0.5, -0.9], v = [0.2, -0.4];
        long[] ts = [2, 0];
        using var x0T = tensor(x0.Select(a => (float)a).ToArray()).reshape(2, 1);
        using var noiseT = tensor(noise.Select(a => (float)a).ToArray()).reshape(2, 1);
        using var t = tensor(ts);
        using var xt = schedule.QSample(x0T, t, noiseT);
        using var output = tensor(new float[] { 0.5f, 0.2f, -0.9f, -0.4f }).reshape(2, 2);     // [ε̂, v] per sample
        using var loss = HybridLoss.Compute(schedule, output, noiseT, x0T, xt, t, 0.001, out var vlbBits);
        using var _ = vlbBits;

        double[] terms = [TermBits(2, x0[0], noise[0], epsHat[0], v[0]), TermBits(0, x0[1], noise[1], epsHat[1], v[1])];
        double mse = (Math.Pow(epsHat[0] - noise[0], 2) + Math.Pow(epsHat[1] - noise[1], 2)) / 2;
        double vlb = 3 * terms.Average();                         // T·E[L_t], T = 3
        Assert.That(terms, Has.All.GreaterThan(0.01), "both terms are non-trivial");
        Assert.That(vlbBits.item<float>(), Is.EqualTo(vlb).Within(0.01).Percent);
        Assert.That(loss.item<float>(), Is.EqualTo(mse + 0.001 * vlb).Within(0.01).Percent);
        using var perSample = HybridLoss.VlbTermsBits(schedule, x0T, xt, t, output.narrow(1, 0, 1), output.narrow(1, 1, 1));
        Assert.That(perSample[0].item<float>(), Is.EqualTo(terms[0]).Within(0.01).Percent, "KL term (t > 0)");
        Assert.That(perSample[1].item<float>(), Is.EqualTo(terms[1]).Within(0.01).Percent, "decoder term (t = 0)");
    }

    [Test]
    public void VlbTerms_TruePosterior_IsZero()
    {
        // ε̂ = the ε that made x_t and v = −1 (Σ = β̃): p_θ(x_{t−1} | x_t) is q(x_{t−1} | x_t, x₀), so every L_{t−1} vanishes.
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 100 });
        using var g = new Generator(4);
        using var x0 = rand([16, 3, 2], generator: g) * 2 - 1;
        using var noise = randn([16, 3, 2], generator: g);
        using var t = randint(1, 100, [16], dtype: int64, generator: g);
        using var xt = schedule.QSample(x0, t, noise);
        using var v = full([16, 3, 2], -1f);
        using var terms = HybridLoss.VlbTermsBits(schedule, x0, xt, t, noise, v);
        Assert.That(terms.abs().max().item<float>(), Is.LessThan(1e-4));
        using var large = full([16, 3, 2], 1f);
        using var other = HybridLoss.VlbTermsBits(schedule, x0, xt, t, noise, large);
        Assert.That(other.max().item<float>(), Is.GreaterThan(1e-2), "with Σ = β the KL is positive: the check can fail");
    }

    [Test]
    public void Compute_Gradient_MeanGetsOnlyLSimpleAndVOnlyLvlb()
    {
        using var schedule = NoiseSchedule.FromBetas(Betas);
        using var x0 = tensor(new float[] { 0.3f, -0.5f, 0.1f }).reshape(3, 1);
        using var noise = tensor(new float[] { 0.7f, -1.1f, 0.2f }).reshape(3, 1);
        using var t = tensor(new long[] { 2, 0, 1 });
        using var xt = schedule.QSample(x0, t, noise);
        using var output = tensor(new float[] { 0.5f, 0.2f, -0.9f, -0.4f, 0.1f, 0.6f }).reshape(3, 2).requires_grad_(true);
        using var loss = HybridLoss.Compute(schedule, output, noise, x0, xt, t, 0.001, out var vlbBits);
        using var _ = vlbBits;
        loss.backward();
        using var grad = output.grad!;
        for (int i = 0; i < 3; i++)
        {
            double expected = 2 * (output[i, 0].item<float>() - noise[i, 0].item<float>()) / 3;   // ∂ mean(ε̂ − ε)² / ∂ε̂ alone
            Assert.That(grad[i, 0].item<float>(), Is.EqualTo(expected).Within(1e-6), $"ε̂ of sample {i}: L_vlb must not reach the mean");
            Assert.That(Math.Abs(grad[i, 1].item<float>()), Is.GreaterThan(1e-7), $"v of sample {i} learns from L_vlb");
        }
    }
}
