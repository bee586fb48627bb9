using System.Text.Json;
using Research.Training.Benchmarks;

namespace Research.UnitTests.Training;

/// <summary>The arithmetic and formatting of <c>research bench</c> reports (no timing involved).</summary>
public class BenchReportTests
{
    private static IntervalStats Ms(params double[] v) => IntervalStats.Of(v);

    private static SamplingBenchResult Sampling(string family, string backbone, int nfe, double callMs, int samples = 10) =>
        new("r", family, backbone, "x", nfe, samples, "net", Ms(callMs), Ms(callMs / 2), nfe);

    [Test]
    public void IntervalStats_OddAndEvenCounts_MedianMinMaxSpread()
    {
        var odd = Ms(3, 1, 2);
        Assert.That((odd.Median, odd.Min, odd.Max), Is.EqualTo((2.0, 1.0, 3.0)));
        Assert.That(odd.SpreadPct, Is.EqualTo(100.0).Within(1e-12));
        Assert.That(Ms(4, 1, 3, 2).Median, Is.EqualTo(2.5));
        Assert.Throws<ArgumentException>(() => IntervalStats.Of([]));
    }

    private static SpeedRatio Ratio(double slowMsPerSample, double fastMsPerSample) =>
        new("mlp", "a", "ddpm-eps", 1000, "b", "ddgan", 4, 10, Ms(slowMsPerSample), Ms(fastMsPerSample), 200);

    [Test]
    public void SpeedRatio_SlowOverFastPerSample_AgainstTarget()
    {
        var met = Ratio(50, 0.1);
        Assert.That(met.Ratio, Is.EqualTo(500.0).Within(1e-9));
        Assert.That(met.NfeRatio, Is.EqualTo(250.0));
        Assert.That(met.MeetsTarget, Is.True);
        Assert.That(Ratio(10, 0.1).MeetsTarget, Is.False);
    }

    [Test]
    public void PairedMedian_LoadDoublesBetweenPairs_RatioOfPairsUnaffected()
    {
        // Step and minimal windows alternate; the load doubles after the second pair. Separate medians would mix regimes.
        var step = Ms(10, 10, 20, 20, 20);
        var minimal = Ms(9, 9, 18, 18, 18);
        Assert.That(IntervalStats.PairedMedian(step, minimal, (a, b) => (a - b) / a), Is.EqualTo(0.1).Within(1e-12));
    }

    [Test]
    public void Sampling_OverheadPerCall_SamplerMinusBareOverCalls()
    {
        var r = Sampling("ddpm-eps", "mlp", 100, 50);       // sampler 50 ms, bare 25 ms, 100 calls, 10 samples
        Assert.That(r.MsPerSample, Is.EqualTo(5.0));
        Assert.That(r.MsPerSamplePerNfe, Is.EqualTo(0.05).Within(1e-12));
        Assert.That(r.OverheadMsPerCall, Is.EqualTo(0.25).Within(1e-12));
        Assert.That(r.OverheadPct, Is.EqualTo(50.0).Within(1e-12));
    }

    [TestCase(new[] { 100.0, 104.0, 96.0, 100.0 }, new long[] { 7, 7, 7, 7 }, true)]
    [TestCase(new[] { 100.0, 110.0, 120.0, 130.0 }, new long[] { 7, 7, 7, 7 }, false)]   // RSS grows: 13 % off the mean
    [TestCase(new[] { 100.0, 100.0, 100.0, 100.0 }, new long[] { 7, 7, 8, 9 }, false)]   // tensors leak
    public void Soak_Targets_RssWithinFivePercentAndConstantLiveTensors(double[] rss, long[] live, bool passed)
    {
        var r = new SoakResult("r", "f", "b", 100, 10, rss, live, 1, 5);
        Assert.That(r.Passed, Is.EqualTo(passed), $"max deviation {r.MaxDeviationPct:F2} %");
    }

    [Test]
    public void Report_MarkdownAndJson_HoldEverySection()
    {
        var report = new BenchReport { StartedUtc = new DateTime(2026, 11, 23), Threads = 1, Quick = true };
        report.Training.Add(new TrainingBenchResult("r", "ddpm-eps", "mlp", "fp32", 512, 1000, 10, Ms(10), Ms(9), Ms(6), 250));
        report.Sampling.Add(Sampling("ddpm-eps", "mlp", 1000, 500));
        report.Sampling.Add(Sampling("ddgan", "mlp", 4, 1));
        report.Precision.Add(new PrecisionBenchResult("r", "ddpm-eps", "mlp", 64, 10, Ms(4), Ms(5)));
        report.Soak.Add(new SoakResult("r", "ddpm-eps", "mlp", 100, 10, [100, 101], [5, 5], 2, 5));
        report.Ratios.Add(Ratio(50, 0.1));
        BenchRunner.Finish(report);

        var md = report.ToMarkdown();
        Assert.That(md, Does.Contain("### Training").And.Contain("### Sampling").And.Contain("### Per-sample speed ratio")
            .And.Contain("### fp32 versus bf16").And.Contain("### Memory soak").And.Contain("≥ 200×: met").And.Contain("5 (constant)"));
        Assert.That(md, Does.Contain(" 10.0 |"), "overhead % = (10 − 9) / 10");
        using var doc = JsonDocument.Parse(report.ToJson());
        Assert.That(doc.RootElement.GetProperty("training")[0].GetProperty("overhead_pct").GetDouble(), Is.EqualTo(10.0).Within(1e-9));
        Assert.That(doc.RootElement.GetProperty("precision")[0].GetProperty("bf16_over_fp32").GetDouble(), Is.EqualTo(1.25).Within(1e-9));
        Assert.That(doc.RootElement.GetProperty("ratios")[0].GetProperty("ratio").GetDouble(), Is.EqualTo(500.0).Within(1e-9));
    }

    [Test]
    public void ShareOfGemm_StepFlopsOverTimeAgainstTheBestGemmAtTheRunsPrecisionAndThreads()
    {
        var report = new BenchReport { StartedUtc = new DateTime(2026, 12, 6), Threads = 1, Quick = true };
        report.Gemm.Add(new GemmResult("float32", 1, 1024, 100, 90));
        report.Gemm.Add(new GemmResult("float32", 2, 1024, 180, 170));
        report.Gemm.Add(new GemmResult("bfloat16", 1, 1024, 400, 380));
        report.Gemm.Add(new GemmResult("bfloat16", 1, 64, 320, 300) { Kernel = GemmKernel.Conv3x3 });   // below torch.mm: not the limit
        // 30 GFLOP per step in 600 ms = 50 GFLOP/s; the bare passes alone in 300 ms = 100 GFLOP/s.
        var fp32 = new TrainingBenchResult("a", "ddpm-eps", "unet", "fp32", 64, 1, 1, Ms(600), Ms(590), Ms(300), 1) { BareFlopsPerStep = 30e9 };
        var bf16 = fp32 with { Run = "b", Precision = "bf16" };
        report.Training.AddRange([fp32, bf16]);
        Assert.That(fp32.StepGflopsPerSecond, Is.EqualTo(50).Within(1e-9));
        Assert.That(fp32.BareGflopsPerSecond, Is.EqualTo(100).Within(1e-9));
        Assert.That(report.ShareOfGemm(fp32), Is.EqualTo(50).Within(1e-9), "against float32 at 1 thread, not 2");
        Assert.That(report.ShareOfGemm(bf16), Is.EqualTo(12.5).Within(1e-9), "a bf16 run is read against the bf16 GEMM");
        Assert.That(report.ToMarkdown(), Does.Contain("### GEMM throughput").And.Match(@"\|\s+50 \|\n"), "the % of GEMM column");
        // The fp32 convolution faster than torch.mm (as on this machine): the step is read against it, 50 of 200.
        report.Gemm.Add(new GemmResult("float32", 1, 64, 200, 190) { Kernel = GemmKernel.Conv3x3 });
        Assert.That(report.ShareOfGemm(fp32), Is.EqualTo(25).Within(1e-9), "against the better kernel at the run's precision");
        Assert.That(report.ToMarkdown(), Does.Contain("| conv 3×3 |"));
        using (var doc = JsonDocument.Parse(report.ToJson()))
            Assert.That(doc.RootElement.GetProperty("gemm").EnumerateArray().Last().GetProperty("kernel").GetString(), Is.EqualTo(nameof(GemmKernel.Conv3x3)));
        var noFlops = fp32 with { BareFlopsPerStep = null };
        Assert.That(report.ShareOfGemm(noFlops), Is.Null);
    }
}
