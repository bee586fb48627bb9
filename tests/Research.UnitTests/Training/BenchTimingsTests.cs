using Research.Evaluation.Reports;
using Research.Training.Benchmarks;

namespace Research.UnitTests.Training;

/// <summary>
/// <see cref="BenchTimings"/>: the sampling times of a bench report (written by <see cref="BenchReport.ToJson"/>, so the reader
/// and the writer agree on the keys) replace the evaluations' own times, matched by run name and request label.
/// </summary>
public class BenchTimingsTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("bench-timings-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private static SamplingBenchResult Sampled(string run, string request, int nfe, double callMs) =>
        new(run, "ddpm-eps", "unet", request, nfe, 8, "denoiser", IntervalStats.Of([callMs, callMs * 1.1, callMs * 0.9]), null, nfe);

    private string Report(params SamplingBenchResult[] rows)
    {
        var report = new BenchReport { StartedUtc = DateTime.UtcNow, Threads = 1, Quick = true };
        report.Sampling.AddRange(rows);
        var file = Path.Combine(_dir, "bench.json");
        File.WriteAllText(file, report.ToJson());
        return file;
    }

    private static RunResult Row(string run, string eval, int nfe, double ms) =>
        new("/runs/" + run + "_seed=1", "m", eval, nfe, ms, 100, new Dictionary<string, double> { ["kid"] = 1 }, new Dictionary<string, string>(),
            1, run);

    [Test]
    public void Apply_MatchedRowsTakeTheBenchTime_UntimedRowsLoseTheirs_RealDataRowUntouched()
    {
        var timings = BenchTimings.Read(Report(Sampled("study-ddpm", "ddpm 1000", 1000, 56_000), Sampled("study-ddpm", "ddim 50", 50, 2_800)));
        Assert.That((timings.Count, timings.SamplesPerCall), Is.EqualTo((2, 8)));
        const string ddpm = "study-ddpm", gan = "study-gan";
        var warnings = new List<string>();
        var real = Row(ddpm, "real data", 0, 0);
        var applied = timings.Apply([
            Row(ddpm, "ddpm 1000", 1000, 51_435_288),        // drawn in chunks across sessions behind other jobs
            Row(ddpm, "ddim 50", 50, 9_000),
            real,
            Row(gan, "T=4", 4, 20_000),
            Row(gan, "T=4", 4, 21_000),                       // the same untimed pair again: warned once
        ], warnings.Add);
        // 56,000 ms a call of 8 samples = 7,000 ms a sample = 7,000,000 ms / 1,000 samples.
        Assert.That(applied[0].MsPer1000, Is.EqualTo(7_000_000).Within(1e-6));
        Assert.That(applied[1].MsPer1000, Is.EqualTo(350_000).Within(1e-6));
        Assert.That(applied[2], Is.SameAs(real));
        Assert.That(applied[3].MsPer1000, Is.Null);
        Assert.That(applied[4].MsPer1000, Is.Null);
        Assert.That(warnings, Has.Count.EqualTo(1));
        Assert.That(warnings[0], Does.Contain("study-gan").And.Contain("'T=4'"));
        Assert.That(applied[0].Metric("kid"), Is.EqualTo(1), "only the time changes");
    }

    [Test]
    public void Read_BadReports_InvalidDataNamingFileAndKey()
    {
        var file = Path.Combine(_dir, "b.json");
        void Expect(string json, string message)
        {
            File.WriteAllText(file, json);
            var e = Assert.Throws<InvalidDataException>(() => BenchTimings.Read(file))!;
            Assert.That(e.Message, Does.StartWith(file).And.Contain(message));
        }
        Expect("{ \"sampling\": ", "not JSON");
        Expect("{ \"training\": [] }", "no 'sampling' array");
        Expect("{ \"sampling\": [] }", "is empty");
        Expect("""{ "sampling": [ { "run": "a", "request": "x", "samples": 8 } ] }""", "sampling[0]: key 'ms_per_sample'");
        Expect("""{ "sampling": [ { "run": "a", "samples": 8, "ms_per_sample": 3 } ] }""", "key 'request'");
        Expect("""{ "sampling": [ { "run": "a", "request": "x", "samples": 8, "ms_per_sample": -3 } ] }""", "not a positive number");
        Expect("""
            { "sampling": [ { "run": "a", "request": "x", "samples": 8, "ms_per_sample": 3 },
                            { "run": "a", "request": "x", "samples": 8, "ms_per_sample": 4 } ] }
            """, "sampling[1]: 'a' / 'x' is timed twice");
        Assert.Throws<FileNotFoundException>(() => BenchTimings.Read(Path.Combine(_dir, "missing.json")));
    }
}
