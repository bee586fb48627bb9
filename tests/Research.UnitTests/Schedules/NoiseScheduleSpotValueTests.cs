using Research.Core.Schedules;

namespace Research.UnitTests.Schedules;

/// <summary>
/// Hand-checkable values and identities from docs/methods.md §1–§2.3 (the paper-level reference, independent of the
/// golden file). Tolerances are half a unit in the last digit quoted there.
/// </summary>
public sealed class NoiseScheduleSpotValueTests
{
    [Test]
    public void Linear_Thousand_MatchesMethodsSection21()
    {
        using var s = NoiseSchedule.Create(new ScheduleOptions { Type = "linear" });
        Assert.Multiple(() =>
        {
            Assert.That(s.Betas[0], Is.EqualTo(1e-4));
            Assert.That(s.Betas[999], Is.EqualTo(0.02));
            Assert.That(s.AlphaBars[0], Is.EqualTo(0.9999).Within(1e-15));
            Assert.That(s.AlphaBars[499], Is.EqualTo(0.078587).Within(5e-7));
            Assert.That(s.AlphaBars[999], Is.EqualTo(4.0358e-5).Within(5e-10));
            Assert.That(s.Beta0, Is.Zero);
            Assert.That(s.Convention, Is.EqualTo(ScheduleConvention.GuidedDiffusion));
        });
    }

    [Test]
    public void Linear_Betas_AreEvenlySpaced()
    {
        using var s = NoiseSchedule.Create(new ScheduleOptions { NumTimesteps = 100 });
        var steps = s.Betas.Zip(s.Betas.Skip(1), (a, b) => b - a).ToArray();
        Assert.That(steps, Is.All.EqualTo((s.Betas[^1] - s.Betas[0]) / 99).Within(1e-15));
        Assert.That(s.Betas[^1], Is.EqualTo(0.2).Within(1e-17), "0.02 · 1000/100");
    }

    [Test]
    public void Cosine_Thousand_MatchesMethodsSection22()
    {
        using var s = NoiseSchedule.Create(new ScheduleOptions { Type = "cosine" });
        Assert.Multiple(() =>
        {
            Assert.That(s.Betas[0], Is.EqualTo(4.1284e-5).Within(5e-10));
            Assert.That(s.Betas[998], Is.EqualTo(0.7500).Within(5e-5));
            Assert.That(s.Betas[999], Is.EqualTo(0.999), "clipped");
            Assert.That(s.AlphaBars[499], Is.EqualTo(0.49384).Within(5e-6));
            Assert.That(s.AlphaBars[999], Is.EqualTo(2.43e-9).Within(5e-12));
        });
        // Unclipped the last beta would be 1: f(1) = cos²(π/2) ≈ 0.
        Assert.That(1 - BetaSchedules.CosineAlphaBar(1.0) / BetaSchedules.CosineAlphaBar(0.999), Is.EqualTo(1.0).Within(1e-12));
    }

    [Test]
    public void Cosine_AlphaBarsBeforeTheClip_EqualFOverF0()
    {
        using var s = NoiseSchedule.Create(new ScheduleOptions { Type = "cosine" });
        var f0 = BetaSchedules.CosineAlphaBar(0);
        for (var i = 0; i < 999; i++)
            Assert.That(s.AlphaBars[i], Is.EqualTo(BetaSchedules.CosineAlphaBar((i + 1) / 1000.0) / f0).Within(1e-9).Percent, $"i={i}");
    }

    [TestCase("linear")]
    [TestCase("cosine")]
    public void Posterior_AtFirstStep_IsIdentityOnX0(string type)
    {
        using var s = NoiseSchedule.Create(new ScheduleOptions { Type = type });
        Assert.That(s.PosteriorMeanCoef1[0], Is.EqualTo(1.0).Within(1e-12));
        Assert.That(s.PosteriorMeanCoef2[0], Is.Zero);
        Assert.That(s.PosteriorVariance[0], Is.Zero);
        Assert.That(s.PosteriorLogVarianceClipped[0], Is.EqualTo(Math.Log(s.PosteriorVariance[1])), "guided-diffusion clip");
    }

    [TestCase("linear")]
    [TestCase("cosine")]
    public void Coefficients_SatisfyTheSection1Identities(string type)
    {
        using var s = NoiseSchedule.Create(new ScheduleOptions { Type = type, NumTimesteps = 50, BetaEnd = type == "linear" ? 0.3 : null });
        for (var i = 1; i < s.NumTimesteps; i++)
        {
            var (a, aPrev, b) = (s.AlphaBars[i], s.AlphaBars[i - 1], s.Betas[i]);
            Assert.That(s.PosteriorMeanCoef1[i], Is.EqualTo(b * Math.Sqrt(aPrev) / (1 - a)).Within(1e-12).Percent);
            Assert.That(s.PosteriorMeanCoef2[i], Is.EqualTo(Math.Sqrt(1 - b) * (1 - aPrev) / (1 - a)).Within(1e-12).Percent);
            Assert.That(s.PosteriorVariance[i], Is.EqualTo(b * (1 - aPrev) / (1 - a)).Within(1e-12).Percent);
            Assert.That(a, Is.EqualTo(aPrev * (1 - b)).Within(1e-12).Percent);
            Assert.That(s.DdimSigmaAtEtaOne[i] * s.DdimSigmaAtEtaOne[i], Is.EqualTo(s.PosteriorVariance[i]).Within(1e-10).Percent,
                "DDIM at eta = 1 has the DDPM posterior variance");
        }
    }

    [TestCase("linear")]
    [TestCase("cosine")]
    public void ForwardMarginals_WithoutBeta0_AreShiftedSqrtAlphaBars(string type)
    {
        using var s = NoiseSchedule.Create(new ScheduleOptions { Type = type });
        Assert.That(s.ForwardA, Has.Count.EqualTo(1001));
        Assert.That((s.ForwardA[0], s.ForwardSigma[0]), Is.EqualTo((1.0, 0.0)), "x^(0) = x0");
        Assert.That(s.ForwardA.Skip(1), Is.EqualTo(s.SqrtAlphaBars));
        Assert.That(s.ForwardSigma.Skip(1), Is.EqualTo(s.SqrtOneMinusAlphaBars));
    }

    [Test]
    public void Ddgan_FourSteps_MatchesMethodsSection23Table()
    {
        using var s = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = 4 });
        const double rel = 1e-5 * 100; // "relative tolerance about 1e-5", in percent
        Assert.That(BetaSchedules.DdganTimes(4), Is.EqualTo(new[] { 0.001, 0.25075, 0.5005, 0.75025, 1.0 }).Within(1e-15));
        Assert.That(s.Beta0, Is.EqualTo(1e-8).Within(1e-5).Percent);
        Assert.That(s.Betas, Is.EqualTo(new[] { 0.478255, 0.849206, 0.956418, 0.987404 }).Within(rel).Percent);
        Assert.That(s.ForwardA, Is.EqualTo(new[] { 1.0, 0.722319, 0.280492, 0.0585566, 0.00657195 }).Within(rel).Percent);
        Assert.That(s.ForwardSigma.Skip(1), Is.EqualTo(new[] { 0.69156, 0.959856, 0.998284, 0.999978 }).Within(rel).Percent);
        Assert.That(s.AlphaBars, Is.EqualTo(new[] { 0.521745, 0.078676, 0.00342888, 4.31905e-5 }).Within(rel).Percent);
        Assert.That(s.PosteriorVariance.Skip(1), Is.EqualTo(new[] { 0.440819, 0.884202, 0.984061 }).Within(rel).Percent);
        Assert.That(s.PosteriorMeanCoef1, Is.EqualTo(new[] { 1, 0.665778, 0.269191, 0.0578215 }).Within(rel).Percent);
        Assert.That(s.PosteriorMeanCoef2.Skip(1), Is.EqualTo(new[] { 0.201576, 0.193001, 0.111852 }).Within(rel).Percent);
        Assert.That((s.PosteriorVariance[0], s.PosteriorMeanCoef2[0]), Is.EqualTo((0.0, 0.0)));
        Assert.That(s.PosteriorLogVarianceClipped[0], Is.EqualTo(Math.Log(1e-20)).Within(1e-5).Percent, "clamped at 1e-20");
    }

    [Test]
    public void Ddgan_ForwardSigmaAtStep0_IsExactlyZeroInFloat32()
    {
        // docs/methods.md §2.3 lists σ_0 = 1e-4 (float64 arithmetic). The official code rounds 1 − 1e-8 to 1.0f, so
        // a_0 = 1 and σ_0 = 0: the clean side of the pair at index 0 is x0 itself.
        using var s = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = 4 });
        Assert.That((s.ForwardA[0], s.ForwardSigma[0]), Is.EqualTo((1.0, 0.0)));
        Assert.That((float)s.Beta0, Is.EqualTo(1e-8f));
    }

    [Test]
    public void Ddgan_SanityChecks_T2AndT1()
    {
        const double rel = 1e-5 * 100;
        using var two = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = 2 });
        using var one = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = 1 });
        Assert.That(two.Betas, Is.EqualTo(new[] { 0.921324, 0.999451 }).Within(rel).Percent);
        Assert.That(one.Betas[0], Is.EqualTo(0.999957).Within(rel).Percent);
        Assert.That((one.NumTimesteps, one.ForwardA.Count), Is.EqualTo((1, 2)));
    }

    [Test]
    public void FromBetas_RejectsBetasOutsideUnitInterval()
    {
        Assert.Throws<ArgumentException>(() => NoiseSchedule.FromBetas([0.1, 0.0]));
        Assert.Throws<ArgumentException>(() => NoiseSchedule.FromBetas([0.1, 1.5]));
        Assert.Throws<ArgumentException>(() => NoiseSchedule.FromBetas([]));
        Assert.Throws<ArgumentException>(() => NoiseSchedule.FromBetas([0.1], beta0: 1.0));
    }
}
