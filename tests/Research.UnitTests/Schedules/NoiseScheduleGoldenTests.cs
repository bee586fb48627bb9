using Research.Core.Schedules;
using static Research.UnitTests.Schedules.ScheduleGolden;

namespace Research.UnitTests.Schedules;

/// <summary>Every coefficient of every schedule in <c>golden/schedules.json</c> against <see cref="NoiseSchedule"/>.</summary>
public sealed class NoiseScheduleGoldenTests
{
    private static readonly string[] GuidedSchedules = ["linear", "cosine"];
    private static readonly string[] RespacedLabels = ["ddim50", "[10]", "250", "10,15,20", "ddim25"];
    private static readonly int[] DdganSteps = [1, 2, 4, 8];

    private static IEnumerable<TestCaseData> RespacedCases() =>
        from s in GuidedSchedules from l in RespacedLabels select new TestCaseData(s, l);

    private static NoiseSchedule CreateGuided(string type) =>
        NoiseSchedule.Create(new ScheduleOptions { Type = type, NumTimesteps = Root.GetProperty("guided_diffusion").GetProperty("T").GetInt32() });

    // "[10]" is the Python list [10]; the spec string of a list is its comma-joined counts.
    private static string SpecOf(string label) => label.Trim('[', ']').Replace(" ", "");

    [Test]
    public void GoldenFile_ListsExactlyTheCasesTestedHere_NoCaseIsSkipped()
    {
        var guided = Root.GetProperty("guided_diffusion").GetProperty("schedules");
        Assert.That(guided.Keys(), Is.EquivalentTo(GuidedSchedules));
        foreach (var s in GuidedSchedules)
            Assert.That(guided.GetProperty(s).GetProperty("respaced").Keys(), Is.EquivalentTo(RespacedLabels), s);
        Assert.That(Root.GetProperty("ddgan").GetProperty("by_n_timestep").Keys().Select(int.Parse), Is.EquivalentTo(DdganSteps));
    }

    [TestCase("linear")]
    [TestCase("cosine")]
    public void Coefficients_GuidedDiffusionSchedule_MatchGoldenToFloat64Tolerance(string type)
    {
        using var schedule = CreateGuided(type);
        var golden = GuidedSchedule(type).GetProperty("coefficients");
        Assert.That(golden.Keys().Count(), Is.EqualTo(13), "golden coefficient count");
        foreach (var key in golden.Keys())
            AssertClose(schedule.Coefficient(CoefficientKeys[key]), golden.GetProperty(key).Doubles(), Float64Rel, $"{type}.{key}");
    }

    [TestCaseSource(nameof(RespacedCases))]
    public void Respace_GuidedDiffusionSchedule_TimestepsAndCoefficientsMatchGolden(string type, string label)
    {
        using var schedule = CreateGuided(type);
        var golden = GuidedSchedule(type).GetProperty("respaced").GetProperty(label);
        using var respaced = schedule.Respace(SpecOf(label));

        Assert.That(NoiseSchedule.SpaceTimesteps(schedule.NumTimesteps, SpecOf(label)),
            Is.EqualTo(golden.GetProperty("use_timesteps").Ints()), "use_timesteps");
        Assert.That(respaced.TimestepMap, Is.EqualTo(golden.GetProperty("timestep_map").Ints()), "timestep_map");
        Assert.That(respaced.OriginalNumTimesteps, Is.EqualTo(golden.GetProperty("original_num_steps").GetInt32()));
        Assert.That(respaced.NumTimesteps, Is.EqualTo(golden.GetProperty("timestep_map").GetArrayLength()));

        var coefficients = golden.GetProperty("coefficients");
        Assert.That(coefficients.Keys().Count(), Is.EqualTo(13), "golden coefficient count");
        foreach (var key in coefficients.Keys())
            AssertClose(respaced.Coefficient(CoefficientKeys[key]), coefficients.GetProperty(key).Doubles(), Float64Rel,
                $"{type}/{label}.{key}");
    }

    [Test]
    public void Ddgan_GoldenParameters_AreTheOptionDefaults()
    {
        var ddgan = Root.GetProperty("ddgan");
        var defaults = new ScheduleOptions();
        Assert.That(ddgan.GetProperty("beta_min").GetDouble(), Is.EqualTo(defaults.BetaMin));
        Assert.That(ddgan.GetProperty("beta_max").GetDouble(), Is.EqualTo(defaults.BetaMax));
        Assert.That(ddgan.GetProperty("eps_small").GetDouble(), Is.EqualTo(defaults.EpsSmall));
        Assert.That(ddgan.GetProperty("use_geometric").GetBoolean(), Is.False);
    }

    [TestCaseSource(nameof(DdganSteps))]
    public void Ddgan_TimeGridAndVpMarginal_MatchGoldenFloat64(int n)
    {
        var golden = Ddgan(n);
        var tau = BetaSchedules.DdganTimes(n);
        AssertClose(tau, golden.GetProperty("t").Doubles(), Float64Rel, "t");
        AssertClose(tau.Select(x => BetaSchedules.DdganVpVariance(x)).ToArray(), golden.GetProperty("var_vp").Doubles(),
            Float64Rel, "var_vp");
        AssertClose(tau.Select(x => 1.0 - BetaSchedules.DdganVpVariance(x)).ToArray(),
            golden.GetProperty("alpha_bars").Doubles(), Float64Rel, "alpha_bars");
    }

    [TestCaseSource(nameof(DdganSteps))]
    public void Ddgan_ForwardQuantities_MatchGoldenFloat32(int n)
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = n });
        var golden = Ddgan(n);
        Assert.That(schedule.Convention, Is.EqualTo(ScheduleConvention.Ddgan));

        // Official arrays have n + 1 entries: index 0 is the extra β₀ step, the rest are the posterior-indexed steps.
        var beta0 = (float)schedule.Beta0;
        double[] WithStep0(double step0, IReadOnlyList<double> rest) => [step0, .. rest];
        var aS = WithStep0(MathF.Sqrt(1f - beta0), schedule.SqrtAlphas);
        AssertClose(WithStep0(schedule.Beta0, schedule.Betas), golden.GetProperty("betas").Doubles(), Float32Rel, "betas");
        AssertClose(WithStep0(MathF.Sqrt(beta0), schedule.SqrtBetas), golden.GetProperty("sigmas").Doubles(), Float32Rel, "sigmas");
        AssertClose(aS, golden.GetProperty("a_s").Doubles(), Float32Rel, "a_s");
        AssertClose(schedule.ForwardA, golden.GetProperty("a_s_cum").Doubles(), Float32Rel, "a_s_cum");
        AssertClose(schedule.ForwardSigma, golden.GetProperty("sigmas_cum").Doubles(), Float32Rel, "sigmas_cum");
        // a_s_prev = a_s with its last entry set to 1 (defined by Diffusion_Coefficients, used nowhere).
        AssertClose([.. aS[..^1], 1.0], golden.GetProperty("a_s_prev").Doubles(), Float32Rel, "a_s_prev");
    }

    [TestCaseSource(nameof(DdganSteps))]
    public void Ddgan_PosteriorCoefficients_MatchGoldenFloat32(int n)
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = n });
        var posterior = Ddgan(n).GetProperty("posterior");
        Assert.That(posterior.Keys().Count(), Is.EqualTo(11), "golden posterior key count");
        foreach (var key in posterior.Keys())
            AssertClose(schedule.Coefficient(CoefficientKeys[key]), posterior.GetProperty(key).Doubles(), Float32Rel,
                $"ddgan T={n} posterior.{key}");
    }

    /// <summary>
    /// Products, quotients and square roots are correctly rounded in IEEE arithmetic, so the cumulative products
    /// can be reproduced bit for bit, which pins down the accumulators: torch's CPU <c>cumprod</c> (posterior) carries
    /// a double, numpy's <c>cumprod</c> of float32 (<c>a_s_cum</c>) does not. Either swap fails at T = 4 or 8.
    /// </summary>
    [TestCaseSource(nameof(DdganSteps))]
    public void Ddgan_CumulativeProducts_AreBitExact(int n)
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = n });
        var golden = Ddgan(n);
        var posterior = golden.GetProperty("posterior");
        AssertClose(schedule.AlphaBars, posterior.GetProperty("alphas_cumprod").Doubles(), 0, "alphas_cumprod");
        AssertClose(schedule.SqrtAlphaBars, posterior.GetProperty("sqrt_alphas_cumprod").Doubles(), 0, "sqrt_alphas_cumprod");
        AssertClose(schedule.ForwardA, golden.GetProperty("a_s_cum").Doubles(), 0, "a_s_cum");
        AssertClose(schedule.ForwardSigma, golden.GetProperty("sigmas_cum").Doubles(), 0, "sigmas_cum");
    }
}
