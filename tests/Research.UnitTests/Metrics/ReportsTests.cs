using Research.Evaluation.Metrics;
using Research.Evaluation.Reports;

namespace Research.UnitTests.Metrics;

public class ReportsTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("reports-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, true);

    [Test]
    public void ReadAll_NestedStudy_FindsEveryEvaluationAndSkipsTrainingLines()
    {
        var study = SyntheticRuns.ImageStudy(_root);
        var results = RunResultsReader.ReadAll([study]);
        Assert.That(results.Select(r => (r.Method, r.Eval)), Is.EqualTo(new[]
        {
            ("ddgan", "T=4"), ("ddpm", "1000 steps"), ("ddpm", "ddim 50"), ("gan", "1 step"),
        }));
        var ddim = results[2];
        Assert.That((ddim.Nfe, ddim.MsPer1000, ddim.Step), Is.EqualTo(((int?)50, (double?)2_600, (long?)1000)));
        Assert.That(ddim.Metric("fid"), Is.EqualTo(6.3));
        Assert.That(ddim.Notes["feature_extractor"], Is.EqualTo("cnn-mnist"));
        Assert.That(ddim.Metrics.ContainsKey("nfe"), Is.False);
    }

    [Test]
    public void FindRunFolders_RunJsonStartTimes_OrderTheRunsChronologically()
    {
        var late = SyntheticRuns.Create(_root, "a-late", SyntheticRuns.Image("a", "x", 1, 1, 1, 1, 1));
        var early = SyntheticRuns.Create(_root, "b-early", SyntheticRuns.Image("b", "x", 1, 1, 1, 1, 1));
        File.WriteAllText(Path.Combine(late, "run.json"), "{ \"started_utc\": \"2026-01-02T00:00:00Z\" }");
        File.WriteAllText(Path.Combine(early, "run.json"), "{ \"started_utc\": \"2026-01-01T00:00:00Z\" }");
        Assert.That(RunResultsReader.FindRunFolders([_root]), Is.EqualTo(new[] { early, late }));
    }

    [Test]
    public void Read_ReEvaluatedRequest_KeepsTheLastLine()
    {
        var run = SyntheticRuns.Create(_root, "run",
            SyntheticRuns.Image("m", "a", 4, 100, 9.0, 8.0, 0.4),
            SyntheticRuns.Image("m", "b", 2, 50, 12.0, 7.0, 0.3),
            SyntheticRuns.Image("m", "a", 4, 90, 8.0, 8.5, 0.45));
        var results = RunResultsReader.Read(run);
        Assert.That(results.Select(r => r.Eval), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(results[0].Metric("fid"), Is.EqualTo(8.0));
    }

    [Test]
    public void Read_BadInput_ThrowsTheExceptionsTheCliMapsToExitTwo()
    {
        var run = SyntheticRuns.Create(_root, "bad", SyntheticRuns.Image("m", "a", 1, 1, 1, 1, 1), "{ not json");
        var e = Assert.Throws<InvalidDataException>(() => RunResultsReader.Read(run))!;
        Assert.That(e.Message, Does.Contain("line 2"));
        Assert.Throws<DirectoryNotFoundException>(() => RunResultsReader.FindRunFolders([Path.Combine(_root, "nowhere")]));
        Directory.CreateDirectory(Path.Combine(_root, "empty"));
        Assert.Throws<FileNotFoundException>(() => RunResultsReader.FindRunFolders([Path.Combine(_root, "empty")]));
    }

    // A last line without its newline is a write cut short (full disk, kill): skipped, the whole lines before it are read.
    [Test]
    public void Read_TornLastLine_IsSkippedAndTheRestRead()
    {
        var run = SyntheticRuns.Create(_root, "torn", SyntheticRuns.Image("m", "a", 1, 1, 2.5, 1, 1));
        File.AppendAllText(Path.Combine(run, "metrics.jsonl"), "{\"eval\":\"b\",\"method\":\"m\",\"fi");
        var results = RunResultsReader.Read(run);
        Assert.That(results.Select(r => r.Eval), Is.EqualTo(new[] { "a" }));
        Assert.That(results[0].Metric("fid"), Is.EqualTo(2.5));
    }

    // A diverged model's metrics are null in the file and named under non_finite: they read back as NaN, not as absent.
    [Test]
    public void Read_NonFiniteMetrics_ReadAsNaN()
    {
        var run = SyntheticRuns.Create(_root, "nan",
            "{\"eval\":\"a\",\"method\":\"m\",\"nfe\":4,\"ms_per_1000\":1.0,\"step\":10,\"fid\":null,\"recall\":0.5,\"non_finite\":[\"fid\"]}");
        var result = RunResultsReader.Read(run).Single();
        Assert.That(result.Metric("fid"), Is.NaN);
        Assert.That(result.Metric("recall"), Is.EqualTo(0.5));
    }

    [Test]
    public void Build_DdganTable1_HasThePaperColumnsAndOneRowPerRequest()
    {
        var results = RunResultsReader.ReadAll([SyntheticRuns.ImageStudy(_root)]);
        var table = PaperTables.Build(PaperTables.ParseLayout("ddgan-table1"), results);
        var md = table.ToMarkdown();
        TestContext.Out.WriteLine(md);
        Assert.That(md, Does.StartWith("| Method "));
        Assert.That(table.Columns.Select(c => c.Name), Is.EqualTo(new[] { "Method", "IS ↑", "FID ↓", "Recall ↑", "NFE ↓", "Time (s / 100 samples) ↓" }));
        Assert.That(table.Rows[1], Is.EqualTo(new[] { "ddpm (1000 steps)", "9.10", "4.10", "0.58", "1000", "5.200" }));
        Assert.That(table.Rows[0][0], Is.EqualTo("ddgan"));
        Assert.That(md, Does.Contain("Feature extractor: cnn-mnist."));
        Assert.That(table.ToCsv().Split("\r\n", StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(5));
    }

    [Test]
    public void Build_Ablation_ShowsOnlyMeasuredMetrics_AndModesAsAFraction()
    {
        SyntheticRuns.Create(_root, "a", SyntheticRuns.TwoD("ddgan-t2", "T=2", 2, 12.5, 0.031, 25));
        SyntheticRuns.Create(_root, "b", SyntheticRuns.TwoD("ddgan-t1", "T=1", 1, 6.0, 0.410, 19));
        var table = PaperTables.Build(TableLayout.Ablation, RunResultsReader.ReadAll([_root]));
        Assert.That(table.Columns.Select(c => c.Name), Is.EqualTo(new[]
        {
            "Variant", "NFE", "Fréchet (2-D) ↓", "MMD² ↓", "Modes covered ↑", "High-quality % ↑", "ms / 1,000 samples",
        }));
        Assert.That(table.Rows[1], Is.EqualTo(new[] { "ddgan-t1", "1", "0.4100", "0.04100", "19/25", "90.0", "6.0" }));
        Assert.That(table.Footnotes, Has.Some.Contains("σ = 1/3"));
    }

    [Test]
    public void Build_Ablation_StackedMnist_RecognisableColumnsAndTheClassifierInAFootnote()
    {
        SyntheticRuns.Create(_root, "a", new Dictionary<string, object>
        {
            ["eval"] = "26k", ["method"] = "ddgan", ["nfe"] = 4, ["ms_per_1000"] = 20000.0, ["step"] = 1650, ["feature_extractor"] = "none",
            ["modes_covered"] = 895, ["num_modes"] = 1000, ["mode_kl"] = 1.16, ["num_samples"] = 26000,
            ["mode_classifier_hash"] = "0123456789abcdef", ["mode_classifier_test_accuracy"] = 0.9894,
            ["recognisable_stacked_pct"] = 12.5, ["recognisable_modes_covered"] = 400, ["recognisable_threshold"] = 0.9959,
        });
        var table = PaperTables.Build(TableLayout.Ablation, RunResultsReader.ReadAll([_root]));
        Assert.That(table.Columns.Select(c => c.Name), Is.EqualTo(new[]
        {
            "Variant", "NFE", "Mode KL ↓", "Modes covered ↑", "Recognisable (3 ch) % ↑", "Recognisable modes ↑", "ms / 1,000 samples",
        }), "the classifier's accuracy is a footnote, not a column");
        Assert.That(table.Rows[0].Skip(2).Take(4), Is.EqualTo(new[] { "1.1600", "895/1000", "12.50", "400" }));
        Assert.That(table.Footnotes, Has.Some.Contains("0123456789abcdef").And.Contains("test accuracy 0.9894").And.Contains("τ = 0.9959"));
    }

    [Test]
    public void Build_Ablation_PutsInsideModeMetricsBeforeTheWholeMixtureOnes()
    {
        var line = SyntheticRuns.TwoD("ddgan-t2", "T=2", 2, 12.5, 0.031, 25);
        line[MetricKeys.ModeKl] = 0.0012;
        line[MetricKeys.CovError] = 0.15;
        line[MetricKeys.CovErrorMax] = 0.3;
        line[MetricKeys.GaussMmd2] = 0.00002;
        line[MetricKeys.SlicedW1] = 0.07;
        SyntheticRuns.Create(_root, "a", line);
        var table = PaperTables.Build(TableLayout.Ablation, RunResultsReader.ReadAll([_root]));
        Assert.That(table.Columns.Select(c => c.Name).Skip(2).Take(7), Is.EqualTo(new[]
        {
            "Mode KL ↓", "Cov. error ↓", "Cov. error max ↓", "Gaussian MMD² ↓", "Sliced W1 ↓", "Fréchet (2-D) ↓", "MMD² ↓",
        }));
        Assert.That(table.Rows[0].Skip(2).Take(5), Is.EqualTo(new[] { "0.0012", "0.150", "0.300", "0.00002", "0.0700" }));
    }

    [Test]
    public void Build_Trilemma_PicksFidAndRecallForImages_AndFrechetAndModesIn2D_WhenNothingBetterWasMeasured()
    {
        var images = PaperTables.Build(TableLayout.Trilemma, RunResultsReader.ReadAll([SyntheticRuns.ImageStudy(_root)]));
        Assert.That(images.Columns.Select(c => c.Name), Is.EqualTo(new[] { "Method", "Sampling", "NFE", "FID ↓", "Recall ↑", "ms / 1,000 samples ↓" }));
        var twoDRoot = Path.Combine(_root, "twod");
        SyntheticRuns.Create(twoDRoot, "a", SyntheticRuns.TwoD("ddpm", "ddim 5", 5, 30, 0.2, 22));
        var twoD = PaperTables.Build(TableLayout.Trilemma, RunResultsReader.ReadAll([twoDRoot]));
        Assert.That(twoD.Columns[3].Name, Is.EqualTo("Fréchet distance (2-D) ↓"));
        Assert.That(twoD.Rows[0][4], Is.EqualTo("22/25"));
        Assert.Throws<ArgumentException>(() => PaperTables.ParseLayout("table-9"));
    }

    [Test]
    public void Build_Trilemma_PrefersKidForImagesAndGaussianMmdIn2D()
    {
        // KID is unbiased at any n (rows at different sample counts stay comparable); the 2-D Fréchet distance sees only
        // the mixture's mean and covariance (issue 21). Either wins its axis as soon as any run measured it.
        var imageRoot = Path.Combine(_root, "kid");
        var line = SyntheticRuns.Image("ddgan", "T=4", 4, 210, 5.0, 9.0, 0.52);
        line[MetricKeys.Kid] = 1.2345;
        SyntheticRuns.Create(imageRoot, "a", line);
        var images = PaperTables.Build(TableLayout.Trilemma, RunResultsReader.ReadAll([imageRoot]));
        Assert.That(images.Columns[3].Name, Is.EqualTo("KID ↓"));
        Assert.That(images.Rows[0][3], Is.EqualTo("1.235"));

        var twoDRoot = Path.Combine(_root, "gauss");
        var twoDLine = SyntheticRuns.TwoD("ddpm", "ddim 5", 5, 30, 0.2, 22);
        twoDLine[MetricKeys.GaussMmd2] = 0.00042;
        SyntheticRuns.Create(twoDRoot, "a", twoDLine);
        var twoD = PaperTables.Build(TableLayout.Trilemma, RunResultsReader.ReadAll([twoDRoot]));
        Assert.That(twoD.Columns[3].Name, Is.EqualTo("Gaussian MMD² (2-D) ↓"));
        Assert.That(twoD.Rows[0][3], Is.EqualTo("0.00042"));
    }
}
