using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Schedules;

/// <summary><see cref="NoiseSchedule.ForwardPair"/>: DDGAN's training pair (docs/methods.md §2.3 item 1).</summary>
public sealed class NoiseScheduleForwardPairTests
{
    private static NoiseSchedule Make(string type, int steps) =>
        NoiseSchedule.Create(new ScheduleOptions { Type = type, NumTimesteps = steps });

    private static double Scalar(Tensor x) => x.item<double>();

    [TestCase("ddgan-vp", 4)]
    [TestCase("ddgan-vp", 1)]
    [TestCase("linear", 1000)]
    public void ForwardPair_NoiseFree_ScalesX0ByForwardAAtTAndTPlusOne(string type, int steps)
    {
        using var s = Make(type, steps);
        var n = s.NumTimesteps;
        using var t = arange(n, ScalarType.Int64); // every index once
        using var x0 = full([n, 3], 0.75f);
        using var zero = zeros([n, 3]);
        var (xPrev, xT) = s.ForwardPair(x0, t, zero, zero);
        using (xPrev)
        using (xT)
        {
            for (var i = 0; i < n; i++)
            {
                Assert.That(xPrev[i, 0].item<float>(), Is.EqualTo(0.75 * s.ForwardA[i]).Within(1e-5).Percent, $"XPrev t={i}");
                // √(1 − β_{t+1})·a_t = a_{t+1}: the pair ends on the next marginal.
                Assert.That(xT[i, 0].item<float>(), Is.EqualTo(0.75 * s.ForwardA[i + 1]).Within(1e-4).Percent, $"XT t={i}");
            }
        }
    }

    [Test]
    public void ForwardPair_LinearAtIndexZero_XPrevIsX0AndXTIsQSample()
    {
        using var s = Make("linear", 1000);
        var g = new Generator(11);
        using var x0 = randn([5, 2, 4, 4], generator: g);
        using var eps = randn([5, 2, 4, 4], generator: g);
        using var epsPrime = randn([5, 2, 4, 4], generator: g);
        using var t = zeros(5, ScalarType.Int64);
        var (xPrev, xT) = s.ForwardPair(x0, t, eps, epsPrime);
        using (xPrev)
        using (xT)
        using (var q = s.QSample(x0, t, epsPrime))
        {
            Assert.That(xPrev.eq(x0).all().item<bool>(), Is.True, "x^(0) = x0 exactly");
            // At t = 0: √α_1 x0 + √β_1 ε′ = √ᾱ_1 x0 + √(1 − ᾱ_1) ε′.
            Assert.That(xT.allclose(q, rtol: 0, atol: 1e-6), Is.True);
        }
    }

    /// <summary>
    /// With x0 fixed, XPrev ~ N(a_t x0, σ_t²) and XT ~ N(a_{t+1} x0, σ_{t+1}²) with Cov = √α_{t+1} σ_t². Checked on
    /// 2·10⁵ draws per index; the variance estimate's standard error is about 0.32 %, the tolerance is 2 %.
    /// </summary>
    [TestCase("ddgan-vp", 4)]
    [TestCase("linear", 1000)]
    public void ForwardPair_LargeSample_MomentsMatchClosedForm(string type, int steps)
    {
        using var s = Make(type, steps);
        const long n = 200_000;
        const float c = 0.6f;
        var g = new Generator(20251123);
        var indices = steps == 4 ? new[] { 0, 1, 2, 3 } : new[] { 0, 1, 250, 998, 999 };
        foreach (var i in indices)
        {
            using var scope = NewDisposeScope();
            var x0 = full([n, 1], c, ScalarType.Float64);
            var t = full(n, i, ScalarType.Int64);
            var (xPrev, xT) = s.ForwardPair(x0, t, randn([n, 1], ScalarType.Float64, generator: g),
                randn([n, 1], ScalarType.Float64, generator: g));

            var (a0, s0, a1, s1) = (s.ForwardA[i], s.ForwardSigma[i], s.ForwardA[i + 1], s.ForwardSigma[i + 1]);
            var varPrev = Scalar(xPrev.var());
            var varT = Scalar(xT.var());
            var cov = Scalar((xPrev - xPrev.mean()).mul(xT - xT.mean()).mean());
            Assert.Multiple(() =>
            {
                Assert.That(Scalar(xPrev.mean()), Is.EqualTo(a0 * c).Within(5 * s0 / Math.Sqrt(n) + 1e-6), $"E XPrev, t={i}");
                Assert.That(Scalar(xT.mean()), Is.EqualTo(a1 * c).Within(5 * s1 / Math.Sqrt(n) + 1e-6), $"E XT, t={i}");
                if (s0 == 0) Assert.That(varPrev, Is.Zero, $"Var XPrev, t={i}");
                else Assert.That(varPrev, Is.EqualTo(s0 * s0).Within(2).Percent, $"Var XPrev, t={i}");
                Assert.That(varT, Is.EqualTo(s1 * s1).Within(2).Percent, $"Var XT, t={i}");
                Assert.That(varT, Is.EqualTo(1 - a1 * a1).Within(2).Percent, $"Var XT closed form, t={i}");
                if (s0 > 0) Assert.That(cov, Is.EqualTo(s.SqrtAlphas[i] * s0 * s0).Within(3).Percent, $"Cov, t={i}");
            });
        }
    }
}
