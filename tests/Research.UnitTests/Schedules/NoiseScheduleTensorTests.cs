using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Schedules;

/// <summary>The tensor operations of <see cref="NoiseSchedule"/> against the float64 tables and closed forms.</summary>
public sealed class NoiseScheduleTensorTests
{
    private static readonly long[] ImageShape = [6, 2, 3, 3];

    private static NoiseSchedule Make(string type, int steps = 1000) =>
        NoiseSchedule.Create(new ScheduleOptions { Type = type, NumTimesteps = steps });

    private static Tensor Randn(Generator g, params long[] shape) => randn(shape, generator: g);

    private static Tensor Times(params long[] t) => tensor(t, ScalarType.Int64);

    private static float[] Values(Tensor x) => x.data<float>().ToArray();

    // Bitwise (value) equality of two tensors of the same shape.
    private static bool Same(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        return a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
    }

    // Expected value of coefficient-weighted sums, computed in double from the authoritative tables.
    private static double[] Expected(Tensor t, IReadOnlyList<double> ca, Tensor a, IReadOnlyList<double>? cb = null, Tensor? b = null)
    {
        var idx = t.data<long>().ToArray();
        var av = Values(a);
        var bv = b is null ? null : Values(b);
        var perSample = av.Length / idx.Length;
        return av.Select((v, k) =>
        {
            var i = (int)idx[k / perSample];
            return ca[i] * v + (bv is null ? 0 : cb![i] * bv[k]);
        }).ToArray();
    }

    [TestCase("linear", 1000)]
    [TestCase("cosine", 1000)]
    [TestCase("ddgan-vp", 1)]
    [TestCase("ddgan-vp", 2)]
    [TestCase("ddgan-vp", 8)]
    public void QPosteriorSample_AtIndexZero_ReturnsX0Exactly(string type, int steps)
    {
        using var s = Make(type, steps);
        var g = new Generator(1);
        using var x0 = Randn(g, ImageShape);
        using var xt = Randn(g, ImageShape);
        using var noise = Randn(g, ImageShape);
        using var t = zeros(6, ScalarType.Int64);
        using var sample = s.QPosteriorSample(x0, xt, t, noise);
        Assert.That(Same(sample, x0), Is.True, "bitwise equal to x0");
    }

    [Test]
    public void QPosteriorSample_DdganFourStepsAtIndexZero_IsX0WithinOneFloat32Ulp()
    {
        // The official float32 arithmetic gives c1_0 = 1 + 2^-23 at T = 4 (golden posterior_mean_coef1[0]); this is
        // reproduced, so the last DDGAN step returns x0·(1 + 1.2e-7), not x0 bit for bit.
        using var s = Make("ddgan-vp", 4);
        Assert.That((float)s.PosteriorMeanCoef1[0], Is.EqualTo(1f + MathF.Pow(2, -23)));
        var g = new Generator(2);
        using var x0 = Randn(g, ImageShape);
        using var xt = Randn(g, ImageShape);
        using var noise = Randn(g, ImageShape);
        using var t = zeros(6, ScalarType.Int64);
        using var sample = s.QPosteriorSample(x0, xt, t, noise);
        Assert.That(sample.allclose(x0, rtol: 2.4e-7, atol: 0), Is.True);
    }

    [TestCase("linear")]
    [TestCase("cosine")]
    public void QPosteriorSample_AwayFromZero_IsMeanPlusSqrtPosteriorVarianceTimesNoise(string type)
    {
        using var s = Make(type);
        var g = new Generator(3);
        using var x0 = Randn(g, ImageShape);
        using var xt = Randn(g, ImageShape);
        using var noise = Randn(g, ImageShape);
        using var t = Times(0, 1, 2, 500, 998, 999);
        using var mean = s.QPosteriorMean(x0, xt, t);
        using var sample = s.QPosteriorSample(x0, xt, t, noise);
        Assert.That(Values(mean), Is.EqualTo(Expected(t, s.PosteriorMeanCoef1, x0, s.PosteriorMeanCoef2, xt)).Within(2e-6));
        // At index 0 the guided clip uses log β̃_1, but the mask removes the noise there.
        var stdTable = s.PosteriorVariance.Select((v, i) => i == 0 ? 0.0 : Math.Sqrt(v)).ToArray();
        using var added = sample - mean;
        Assert.That(Values(added), Is.EqualTo(Expected(t, stdTable, noise)).Within(2e-6));
    }

    [TestCase("linear")]
    [TestCase("cosine")]
    [TestCase("ddgan-vp")]
    public void QSample_ThenPredictX0FromEps_RoundTrips(string type)
    {
        using var s = Make(type, type == "ddgan-vp" ? 4 : 1000);
        var g = new Generator(4);
        using var x0 = Randn(g, ImageShape).clamp(-1, 1);
        using var eps = Randn(g, ImageShape);
        using var t = randint(0, s.NumTimesteps, [6], ScalarType.Int64, generator: g);
        using var xt = s.QSample(x0, t, eps);
        Assert.That(Values(xt), Is.EqualTo(Expected(t, s.SqrtAlphaBars, x0, s.SqrtOneMinusAlphaBars, eps)).Within(2e-6));
        using var x0Pred = s.PredictX0FromEps(xt, t, eps);
        using var epsPred = s.PredictEpsFromX0(xt, t, x0);
        // Worst case √(1/ᾱ) ≈ 1.6e2 (linear, last step) amplifies float32 rounding of x_t.
        Assert.That(x0Pred.allclose(x0, rtol: 0, atol: 2e-4), Is.True, "x0 recovered");
        Assert.That(epsPred.allclose(eps, rtol: 0, atol: 2e-4), Is.True, "eps recovered");
    }

    [Test]
    public void QStep_TwoDimensionalBatch_IsSqrtAlphaXPrevPlusSqrtBetaEps()
    {
        using var s = Make("cosine");
        var g = new Generator(5);
        using var xPrev = Randn(g, 4, 2);
        using var eps = Randn(g, 4, 2);
        using var t = Times(0, 10, 998, 999);
        using var xt = s.QStep(xPrev, t, eps);
        Assert.That(xt.shape, Is.EqualTo(new long[] { 4, 2 }));
        var sqrtAlpha = s.Betas.Select(b => Math.Sqrt(1 - b)).ToArray();
        var sqrtBeta = s.Betas.Select(Math.Sqrt).ToArray();
        Assert.That(Values(xt), Is.EqualTo(Expected(t, sqrtAlpha, xPrev, sqrtBeta, eps)).Within(2e-6));
    }

    [Test]
    public void Extract_ImageRank_GivesBx1x1x1OfTheIndexedValues()
    {
        using var s = Make("linear");
        using var t = Times(999, 0, 499);
        using var c = s.Extract(ScheduleCoefficient.AlphaBars, t, 4);
        Assert.That(c.shape, Is.EqualTo(new long[] { 3, 1, 1, 1 }));
        Assert.That(c.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(Values(c), Is.EqualTo(new[] { s.AlphaBars[999], s.AlphaBars[0], s.AlphaBars[499] }).Within(1e-5).Percent);
        using var v = s.QPosteriorVariance(t, 2);
        Assert.That(v.shape, Is.EqualTo(new long[] { 3, 1 }));
        using var lv = s.QPosteriorLogVarianceClipped(t, 2);
        Assert.That(Values(lv)[0], Is.EqualTo(s.PosteriorLogVarianceClipped[999]).Within(1e-5).Percent);
    }

    [Test]
    public void Operations_BadIndexTensor_ThrowArgumentException()
    {
        using var s = Make("linear");
        using var x = zeros(3, 2);
        using var int32T = zeros(3, ScalarType.Int32);
        using var wrongBatch = zeros(2, ScalarType.Int64);
        using var twoD = zeros([3, 1], ScalarType.Int64);
        Assert.Throws<ArgumentException>(() => s.QSample(x, int32T, x));
        Assert.Throws<ArgumentException>(() => s.QSample(x, wrongBatch, x));
        Assert.Throws<ArgumentException>(() => s.Extract(ScheduleCoefficient.Betas, twoD, 2));
    }

    [Test]
    public void Operations_Float64Input_ReturnFloat64()
    {
        using var s = Make("linear");
        using var x = ones([2, 3], ScalarType.Float64);
        using var t = Times(0, 999);
        using var xt = s.QSample(x, t, x);
        Assert.That(xt.dtype, Is.EqualTo(ScalarType.Float64));
    }

    [Test]
    public void MapTimesteps_RespacedDdim50_ReturnsOriginalIndices()
    {
        using var s = Make("linear");
        using var r = s.Respace("ddim50");
        using var t = Times(0, 1, 49);
        using var mapped = r.MapTimesteps(t);
        Assert.That(mapped.data<long>().ToArray(), Is.EqualTo(new long[] { 0, 20, 980 }));
    }

    [TestCase("linear", "ddim50")]
    [TestCase("cosine", "250")]
    public void DdimStep_EtaOneWithoutNoise_EqualsPosteriorMean(string type, string spec)
    {
        using var s = Make(type);
        using var r = s.Respace(spec);
        var g = new Generator(6);
        using var x0 = Randn(g, ImageShape).clamp(-1, 1);
        using var xt = Randn(g, ImageShape);
        using var t = randint(0, r.NumTimesteps, [6], ScalarType.Int64, generator: g);
        using var eps = r.PredictEpsFromX0(xt, t, x0);
        using var zero = zeros(ImageShape);
        using var ddim = r.DdimStep(x0, eps, t, 1.0, zero);
        using var mean = r.QPosteriorMean(x0, xt, t);
        Assert.That(ddim.allclose(mean, rtol: 0, atol: 1e-4), Is.True);
    }

    [Test]
    public void DdimStep_EtaZero_IsDeterministicAndEndsAtX0()
    {
        using var s = Make("linear");
        using var r = s.Respace("ddim25");
        var g = new Generator(7);
        using var x0 = Randn(g, ImageShape);
        using var eps = Randn(g, ImageShape);
        using var noise = Randn(g, ImageShape);
        using var t = Times(0, 0, 3, 10, 24, 24);
        using var withNoise = r.DdimStep(x0, eps, t, 0.0, noise);
        using var without = r.DdimStep(x0, eps, t, 0.0, null);
        Assert.That(Same(withNoise, without), Is.True, "eta = 0 ignores the noise");
        Assert.That(Same(withNoise[..2], x0[..2]), Is.True, "index 0 returns x0");
        using var sigma = r.DdimSigma(t, 0.5, 4);
        Assert.That(Values(sigma), Is.EqualTo(Expected(t, r.DdimSigmaAtEtaOne.Select(v => 0.5 * v).ToArray(),
            ones(6))).Within(1e-6));
        Assert.Throws<ArgumentNullException>(() => r.DdimStep(x0, eps, t, 1.0, null));
    }
}
