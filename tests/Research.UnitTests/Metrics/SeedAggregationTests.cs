using Research.Core.Configuration;
using Research.Evaluation.Reports;

namespace Research.UnitTests.Metrics;

/// <summary>
/// <c>research table --mean-over-seeds</c>: a sweep's <c>variant_seed=N</c> points grouped back into one row per variant,
/// cells mean ± sample sd. Reference values from Python's <c>statistics.mean</c> / <c>statistics.stdev</c>.
/// </summary>
public class SeedAggregationTests
{
    private string _root = "";

    [SetUp]
    public void SetUp() => _root = Directory.CreateTempSubdirectory("seeds-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_root, true);

    [TestCase("t4_seed=2", 2, "t4")]
    [TestCase("ddgan_T=8_seed=12", 12, "ddgan_T=8")]
    [TestCase("seed=3", 3, SweepPointIds.Base)]
    [TestCase("t4_seed=2", 3, "t4_seed=2")]       // another seed's name is not stripped
    [TestCase("t4_seed=22", 2, "t4_seed=22")]      // seed=2 is not a suffix of seed=22's part
    [TestCase("ddpm", 1, "ddpm")]
    public void WithoutSeed_StripsOnlyTheRunsOwnTrailingSeedPart(string id, long seed, string expected) =>
        Assert.That(SweepPointIds.WithoutSeed(id, seed), Is.EqualTo(expected));

    [Test]
    public void SeedStatistic_MatchesPythonStatistics_AndFormatsMeanPlusMinusSd()
    {
        // statistics.mean([86.58, 88.7, 89.8]) = 88.36, statistics.stdev(...) = 1.636704005005181
        var s = SeedStatistic.Of([86.58, 88.7, 89.8]);
        Assert.That(s.Mean, Is.EqualTo(88.36).Within(1e-12));
        Assert.That(s.Sd, Is.EqualTo(1.636704005005181).Within(1e-12));
        Assert.That(s.ToString("0.0", null), Is.EqualTo("88.4 ± 1.6"));
        Assert.That(SeedStatistic.Of([5.0]).ToString("0.0", null), Is.EqualTo("5.0"), "one seed: the value, no spread");
        Assert.That(SeedStatistic.Of([1.0, double.NaN]).ToString("0.0", null), Is.EqualTo("NaN"), "a diverged seed is not averaged away");
    }

    [Test]
    public void Build_MeanOverSeeds_OneRowPerVariantWithSeedsColumn_AndSeedsAscending()
    {
        Point("t4_seed=3", 3, 89.8, 25, 0.2);
        Point("t4_seed=1", 1, 86.58, 25, 0.3);
        Point("t1_seed=1", 1, 70.0, 24, 0.5);
        Point("t4_seed=2", 2, 88.7, 25, 0.4);
        Point("t1_seed=2", 2, 72.0, 22, 0.7);
        var results = RunResultsReader.ReadAll([_root]);
        var table = PaperTables.Build(TableLayout.Ablation, results, meanOverSeeds: true);
        Assert.That(table.Columns.Take(3).Select(c => c.Name), Is.EqualTo(new[] { "Variant", "Seeds", "NFE" }));
        Assert.That(table.Rows, Has.Count.EqualTo(2));
        var hq = table.Columns.Select(c => c.Name).ToList().IndexOf("High-quality % ↑");
        var modes = table.Columns.Select(c => c.Name).ToList().IndexOf("Modes covered ↑");
        var t4 = table.Rows.Single(r => r[0] == "t4");
        Assert.That((t4[1], t4[hq], t4[modes]), Is.EqualTo(("1, 2, 3", "88.4 ± 1.6", "25/25")));
        Assert.That(t4[^1], Is.EqualTo("200.0"), "one time shared by every seed (a bench value) is that value, not '± 0.0'");
        var t1 = table.Rows.Single(r => r[0] == "t1");
        Assert.That((t1[1], t1[hq], t1[modes]), Is.EqualTo(("1, 2", "71.0 ± 1.4", "23.0 ± 1.4 of 25")));
        Assert.That(table.Footnotes, Has.Some.Contains("mean ± sample standard deviation"));
        Assert.That(PaperTables.Build(TableLayout.Ablation, results).Rows, Has.Count.EqualTo(5), "without the flag: one row per run");
        foreach (var layout in new[] { TableLayout.Trilemma, TableLayout.DdganTable1 })
        {
            var other = PaperTables.Build(layout, results, meanOverSeeds: true);
            Assert.That((other.Columns[1].Name, other.Rows.Count), Is.EqualTo(("Seeds", 2)), layout.ToString());
            Assert.That(other.Rows.Select(r => (r[0], r[1])), Is.EquivalentTo(new[] { ("t4", "1, 2, 3"), ("t1", "1, 2") }), layout.ToString());
        }
    }

    [Test]
    public void Aggregate_SameSeedTwice_IsAnErrorNamingBothFolders_AndUnseededRunsStayAlone()
    {
        var a = Point("t4_seed=1", 1, 86.0, 25, 0.1);
        var b = Point(Path.Combine("copy", "t4_seed=1"), 1, 87.0, 25, 0.1);
        var e = Assert.Throws<InvalidDataException>(() => SeedGroup.Aggregate(RunResultsReader.ReadAll([_root])))!;
        Assert.That(e.Message, Does.Contain(a).And.Contain(b).And.Contain("seed 1"));

        Directory.Delete(b, true);
        SyntheticRuns.Create(_root, "x", SyntheticRuns.TwoD("ddpm", "full", 1000, 1, 0.1, 25));
        SyntheticRuns.Create(_root, "y", SyntheticRuns.TwoD("ddpm", "full", 1000, 1, 0.2, 25));
        var groups = SeedGroup.Aggregate(RunResultsReader.ReadAll([_root]));
        Assert.That(groups.Select(g => (g.Variant, g.Runs.Count)), Is.EquivalentTo(new[] { ("t4", 1), ("ddpm", 1), ("ddpm", 1) }));
    }

    [Test]
    public void Aggregate_OneRealDataRowWrittenByEveryPointOfASeed_IsKeptOnce_ButDifferentValuesStillFail()
    {
        // Every point of a sweep writes the seed's real-data row; two variants of seed 1 write the same values
        // (the Fashion study: "first 2000 training images", KID −1.26 in every seed-1 point, steps 1,450 and 1,650).
        Dictionary<string, object> Real(double kid, long step) => new()
        {
            ["method"] = "real-data", ["eval"] = "first 2000 training images", ["nfe"] = 0, ["step"] = step,
            ["kid"] = kid, ["fid"] = 2.9766, ["feature_extractor_hash"] = "abc",
        };
        foreach (var (variant, step) in new[] { ("t4", 1650L), ("siddm", 1450L) })
            for (int seed = 1; seed <= 2; seed++)
            {
                var model = SyntheticRuns.TwoD(variant, "trained chain", 4, 200, 0.1 * seed, 25);
                var dir = SyntheticRuns.Create(_root, $"{variant}_seed={seed}", model, Real(-1.26 + seed, step));
                File.WriteAllText(Path.Combine(dir, "run.json"), $"{{ \"name\": \"x\", \"seed\": {seed} }}");
            }
        var groups = SeedGroup.Aggregate(RunResultsReader.ReadAll([_root]));
        var real = groups.Single(g => g.Variant == "real-data");
        Assert.That(real.Seeds, Is.EqualTo(new long[] { 1, 2 }), "one measurement per seed, not one per point");
        Assert.That(real.Metric("kid")!.Value.Mean, Is.EqualTo(-1.26 + 1.5).Within(1e-12));
        Assert.That(groups.Where(g => g.Variant != "real-data").Select(g => (g.Variant, g.Runs.Count)),
            Is.EquivalentTo(new[] { ("t4", 2), ("siddm", 2) }));

        var table = PaperTables.Build(TableLayout.Ablation, RunResultsReader.ReadAll([_root]), meanOverSeeds: true);
        Assert.That((table.Rows.Count, table.Rows[^1][0]), Is.EqualTo((3, "real-data")),
            "the real-data row once, after the model rows");

        var other = SyntheticRuns.Create(_root, "t8_seed=1", Real(5.0, 1650));   // same seed, another value
        File.WriteAllText(Path.Combine(other, "run.json"), "{ \"name\": \"x\", \"seed\": 1 }");
        var e = Assert.Throws<InvalidDataException>(() => SeedGroup.Aggregate(RunResultsReader.ReadAll([_root])))!;
        Assert.That(e.Message, Does.Contain(other).And.Contain("seed 1").And.Contain("different values"));
    }

    [Test]
    public void TrilemmaPoints_MeanOverSeeds_OnePointPerVariantAtTheMean_WithTheQualitySdAsItsBar()
    {
        Point("t4_seed=1", 1, 86.58, 25, 0.2);
        Point("t4_seed=2", 2, 88.7, 25, 0.4);
        Point("t4_seed=3", 3, 89.8, 24, 0.9);
        Point("t1_seed=1", 1, 70.0, 20, 3.0);
        var results = RunResultsReader.ReadAll([_root]);
        Assert.That(TrilemmaPlot.Points(results), Has.Count.EqualTo(4));
        var points = TrilemmaPlot.Points(results, meanOverSeeds: true);
        Assert.That(points.Select(p => (p.Result.Method, p.Seeds)), Is.EquivalentTo(new[] { ("t4", 3), ("t1", 1) }));
        var t4 = points.Single(p => p.Result.Method == "t4");
        // 2-D quality axis: Gaussian MMD² absent, so the Fréchet distance 0.2, 0.4, 0.9: mean 0.5, stdev 0.36055512754639896.
        Assert.That(t4.Quality, Is.EqualTo(0.5).Within(1e-12));
        Assert.That(t4.QualitySd, Is.EqualTo(0.36055512754639896).Within(1e-12));
        Assert.That(t4.Result.Metric("modes_covered"), Is.EqualTo(74.0 / 3).Within(1e-12));
        Assert.That(points.Single(p => p.Result.Method == "t1").QualitySd, Is.Null, "one seed: no bar");
        var png = TrilemmaPlot.Write(Path.Combine(_root, "fig.png"), results, meanOverSeeds: true);
        Assert.That(new FileInfo(png).Length, Is.GreaterThan(1000));
    }

    private string Point(string name, long seed, double highQuality, int modes, double frechet)
    {
        var line = SyntheticRuns.TwoD(Path.GetFileName(name), "trained chain", 4, 200, frechet, modes);
        line["high_quality_pct"] = highQuality;
        var dir = SyntheticRuns.Create(_root, name, line);
        File.WriteAllText(Path.Combine(dir, "run.json"), $"{{ \"name\": \"x\", \"seed\": {seed} }}");
        return dir;
    }
}
