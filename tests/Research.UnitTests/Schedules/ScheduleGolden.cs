using System.Text.Json;
using Research.Core.Schedules;

namespace Research.UnitTests.Schedules;

/// <summary>
/// Reads <c>golden/schedules.json</c> (values produced by the official Python code) and compares arrays at the
/// tolerances of <c>tests/data/reference/README.md</c>.
/// </summary>
internal static class ScheduleGolden
{
    /// <summary>README: guided-diffusion values are float64, "match to 1e-12".</summary>
    public const double Float64Rel = 1e-12;

    /// <summary>README: DDGAN float32 quantities, "a relative tolerance near 1e-6".</summary>
    public const double Float32Rel = 1e-6;

    /// <summary>Golden key → coefficient, for guided-diffusion's <c>GaussianDiffusion</c> and DDGAN's posterior.</summary>
    public static readonly IReadOnlyDictionary<string, ScheduleCoefficient> CoefficientKeys =
        new Dictionary<string, ScheduleCoefficient>
        {
            ["betas"] = ScheduleCoefficient.Betas,
            ["alphas"] = ScheduleCoefficient.Alphas,
            ["alphas_cumprod"] = ScheduleCoefficient.AlphaBars,
            ["alphas_cumprod_prev"] = ScheduleCoefficient.AlphaBarsPrev,
            ["alphas_cumprod_next"] = ScheduleCoefficient.AlphaBarsNext,
            ["sqrt_alphas_cumprod"] = ScheduleCoefficient.SqrtAlphaBars,
            ["sqrt_one_minus_alphas_cumprod"] = ScheduleCoefficient.SqrtOneMinusAlphaBars,
            ["log_one_minus_alphas_cumprod"] = ScheduleCoefficient.LogOneMinusAlphaBars,
            ["sqrt_recip_alphas_cumprod"] = ScheduleCoefficient.SqrtRecipAlphaBars,
            ["sqrt_recipm1_alphas_cumprod"] = ScheduleCoefficient.SqrtRecipM1AlphaBars,
            ["posterior_variance"] = ScheduleCoefficient.PosteriorVariance,
            ["posterior_log_variance_clipped"] = ScheduleCoefficient.PosteriorLogVarianceClipped,
            ["posterior_mean_coef1"] = ScheduleCoefficient.PosteriorMeanCoef1,
            ["posterior_mean_coef2"] = ScheduleCoefficient.PosteriorMeanCoef2,
        };

    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.ReferenceData, "golden", "schedules.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static JsonElement GuidedSchedule(string name) =>
        Root.GetProperty("guided_diffusion").GetProperty("schedules").GetProperty(name);

    public static JsonElement Ddgan(int numTimesteps) =>
        Root.GetProperty("ddgan").GetProperty("by_n_timestep").GetProperty(numTimesteps.ToString());

    public static double[] Doubles(this JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static int[] Ints(this JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    public static IEnumerable<string> Keys(this JsonElement obj) =>
        obj.EnumerateObject().Select(p => p.Name).Where(n => !n.StartsWith('_'));

    /// <summary>
    /// Asserts |actual − expected| ≤ rel·max(|actual|, |expected|) element-wise (zeros must then match exactly),
    /// reporting the first offending index.
    /// </summary>
    public static void AssertClose(IReadOnlyList<double> actual, IReadOnlyList<double> expected, double rel, string what)
    {
        Assert.That(actual, Has.Count.EqualTo(expected.Count), $"{what}: length");
        for (var i = 0; i < expected.Count; i++)
        {
            var a = actual[i];
            var e = expected[i];
            var ok = a == e || Math.Abs(a - e) <= rel * Math.Max(Math.Abs(a), Math.Abs(e));
            if (!ok)
                Assert.Fail($"{what}[{i}]: expected {e:R}, got {a:R} (relative error {Math.Abs(a - e) / Math.Abs(e):E2} > {rel:E0})");
        }
    }
}
