using Research.Evaluation.Metrics;
using Research.Training.Experiments;

namespace Research.UnitTests.Metrics;

public class ComparisonTableTests
{
    private static ResultRow Image(string method, double fid) => new(method, "ddim 4", 4, 12.5, new Dictionary<string, object>
    {
        ["fid"] = fid, ["kid"] = 0.0123, ["kid_std"] = 0.001, ["precision"] = 0.75, ["recall"] = 0.5, ["feature_extractor"] = "cnn-mnist",
        ["feature_extractor_hash"] = "0123456789abcdef", ["reference_images"] = 2000L, ["kid_subset_size"] = 1000,
    });

    private static ResultRow TwoD() => new("ddpm", "all", 4, 3.0, new Dictionary<string, object>
    {
        ["modes_covered"] = 25, ["num_modes"] = 25, ["high_quality_pct"] = 90.0, ["frechet"] = 0.01, ["mmd2"] = 0.001,
    });

    [Test]
    public void Build_ImageRows_FidKidPrecisionRecallColumnsAndNoTwoDColumns()
    {
        var table = ComparisonTable.Build([Image("ddpm", 12.345), Image("ddgan", 20)]);
        var names = table.Columns.Select(c => c.Name).ToList();
        Assert.That(names, Is.EqualTo(new[] { "method", "sampling", "NFE", "fid", "kid", "precision", "recall", "kid sd", "ms / 1,000 samples" }));
        Assert.That(table.Rows[0], Is.EqualTo(new[] { "ddpm", "ddim 4", "4", "12.35", "0.01230", "0.750", "0.500", "0.00100", "12.5" }));
        Assert.That(table.Footnotes, Has.Some.Contains("cnn-mnist (0123456789abcdef), 2000 reference images"));
    }

    [Test]
    public void Build_JudgeMetrics_ColumnsAndFootnoteWithTau_RealDataRowShown()
    {
        var judged = new Dictionary<string, object>(Image("ddpm", 10).Metrics)
        {
            ["recognisable_pct"] = 81.24, ["recognisable_threshold"] = 0.875, ["class_kl"] = 0.0421, ["precision_recall_k"] = 5,
        };
        var real = new ResultRow("real-data", "first 2000 training images", 0, 0, new Dictionary<string, object>(judged) { ["recognisable_pct"] = 90.5 });

        var table = ComparisonTable.Build([new ResultRow("ddpm", "ddim 4", 4, 12.5, judged), real]);

        var names = table.Columns.Select(c => c.Name).ToList();
        Assert.That(names, Does.Contain("recognisable %").And.Contain("class KL").And.Not.Contain("diversity"));
        Assert.That(table.Rows[0][names.IndexOf("recognisable %")], Is.EqualTo("81.2"));
        Assert.That(table.Rows[0][names.IndexOf("class KL")], Is.EqualTo("0.042"));
        Assert.That(table.Rows[1][0], Is.EqualTo("real-data"));
        Assert.That(table.Rows[1][names.IndexOf("recognisable %")], Is.EqualTo("90.5"));
        Assert.That(table.Footnotes, Has.Some.Contains("confidence ≥ τ (0.875").And.Some.Contains("k = 5"));
    }

    [Test]
    public void Build_StackedMnistRows_ModesAndModeKlColumnsWithoutAnExtractor_RealDataRowShown()
    {
        static Dictionary<string, object> Modes(int covered, double kl) => new()
        {
            ["modes_covered"] = covered, ["num_modes"] = 1000, ["mode_kl"] = kl, ["mode_classifier_hash"] = "89cced74363df36c",
            ["feature_extractor"] = "none", ["num_samples"] = 26000,
        };
        var table = ComparisonTable.Build([new ResultRow("ddgan-t4", "trained chain, 26k", 4, 30.7, Modes(987, 0.08512)),
            new ResultRow("real-data", "first 26000 training images", 0, 0, Modes(1000, 0.01934))]);

        var names = table.Columns.Select(c => c.Name).ToList();
        Assert.That(names.Take(5), Is.EqualTo(new[] { "method", "sampling", "NFE", "modes covered", "mode KL" }));
        Assert.That(names, Does.Not.Contain("high-quality %"), "the 2-D group stays out of an image table");
        Assert.That(table.Rows[0].Take(5), Is.EqualTo(new[] { "ddgan-t4", "trained chain, 26k", "4", "987/1000", "0.0851" }));
        Assert.That(table.Rows[1][3], Is.EqualTo("1000/1000"));
        Assert.That(table.Footnotes, Has.Some.Contains("StackedMNIST modes: the MNIST classifier (89cced74363df36c)"));
    }

    [Test]
    public void Build_TwoDRowsOnly_KeepsTheTwoDLayout()
    {
        var names = ComparisonTable.Build([TwoD()]).Columns.Select(c => c.Name).ToList();
        Assert.That(names, Does.Contain("Fréchet distance").And.Not.Contain("fid"));
    }

    [Test]
    public void Build_TwoDRowsWithInsideModeMetrics_ShowsThemBeforeTheWholeMixtureMetrics()
    {
        var row = new ResultRow("ddpm", "all", 4, 3.0, new Dictionary<string, object>(TwoD().Metrics)
        {
            [MetricKeys.ModeKl] = 0.134, [MetricKeys.CovError] = 1.25, [MetricKeys.CovErrorMax] = 1.4,
            [MetricKeys.GaussMmd2] = 0.00432, [MetricKeys.SlicedW1] = 0.147,
        });
        var table = ComparisonTable.Build([row, TwoD()]);
        var names = table.Columns.Select(c => c.Name).ToList();
        Assert.That(names.Skip(3).Take(9), Is.EqualTo(new[]
        {
            "modes covered", "high-quality %", "mode KL", "cov error", "cov error max", "Gaussian MMD²", "sliced W1", "Fréchet distance", "MMD²",
        }));
        Assert.That(table.Rows[0].Skip(5).Take(5), Is.EqualTo(new[] { "0.1340", "1.250", "1.400", "0.00432", "0.1470" }));
        Assert.That(table.Rows[1].Skip(5).Take(5), Is.All.Empty);                  // old results stay readable
        Assert.That(table.Footnotes, Has.Some.Contains("mode KL: KL(q‖uniform)"));
    }

    [Test]
    public void Build_TwoDRowsWithoutLabels_NoRequestedModeColumnThatNoRowCouldFill()
    {
        var names = ComparisonTable.Build([TwoD()]).Columns.Select(c => c.Name).ToList();
        Assert.That(names, Does.Not.Contain("in requested mode %"));
        var guided = new ResultRow("guided", "s=1", 4, 3.0, new Dictionary<string, object>(TwoD().Metrics) { [MetricKeys.GuidedAccuracyPct] = 40.0 });
        var table = ComparisonTable.Build([TwoD(), guided]);
        int column = table.Columns.Select(c => c.Name).ToList().IndexOf("in requested mode %");
        Assert.That(column, Is.GreaterThan(0));
        Assert.That(table.Rows.Select(r => r[column]), Is.EqualTo(new[] { "", "40.0" }));
    }

    [Test]
    public void Build_ImageRowWithoutExtractor_NoFeatureColumnsAlone_EmptyCellsBesideAScoredRow_AndAFootnote()
    {
        var row = new ResultRow("ddpm", "ddim 4", 4, 1.0, new Dictionary<string, object> { ["feature_extractor"] = "none" });
        var alone = ComparisonTable.Build([row]);
        Assert.That(alone.Columns.Select(c => c.Name), Is.EqualTo(new[] { "method", "sampling", "NFE", "ms / 1,000 samples" }),
            "no fid/kid/precision/recall columns that no row fills");
        var scored = new ResultRow("ddgan", "4 steps", 4, 1.0, new Dictionary<string, object>
            { ["fid"] = 3.0, ["kid"] = 0.01, ["precision"] = 0.7, ["recall"] = 0.5, ["feature_extractor"] = "cnn-mnist" });
        var table = ComparisonTable.Build([scored, row]);
        Assert.That(table.Rows[1][3], Is.Empty, "the unscored row's fid cell beside a scored row");
        Assert.That(table.Footnotes, Has.Some.Contains("had no feature extractor"));
    }
}
