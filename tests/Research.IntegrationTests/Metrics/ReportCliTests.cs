using System.Text.Json;

namespace Research.IntegrationTests.Metrics;

/// <summary><c>research table</c> and <c>research plot</c> on run folders written by the test (made-up numbers).</summary>
public class ReportCliTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("report-cli-").FullName;
        Run("study/ddpm", Line("ddpm", "1000 steps", 1000, 52_000, 4.1, 0.58), Line("ddpm", "ddim 50", 50, 2_600, 6.3, 0.55));
        Run("study/ddgan", Line("ddgan", "T=4", 4, 210, 5.0, 0.52));
        Run("study/gan", Line("gan", "1 step", 1, 55, 11.5, 0.31));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void Table_DdganLayoutWithOut_WritesMarkdownAndCsv()
    {
        var md = Path.Combine(_dir, "out", "table1.md");
        var (exit, output, err) = Cli.Run("table", Path.Combine(_dir, "study"), "--layout", "ddgan-table1", "--out", md);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var markdown = File.ReadAllText(md);
        Assert.That(markdown, Does.Contain("| Method ").And.Contain("| ddpm (ddim 50) ").And.Contain("Time (s / 100 samples)"));
        Assert.That(File.ReadAllLines(Path.ChangeExtension(md, ".csv")), Has.Length.EqualTo(5));
        Assert.That(output, Does.Contain("Table written to"));
    }

    [Test]
    public void Table_WithoutOut_PrintsMarkdown()
    {
        var (exit, output, err) = Cli.Run("table", Path.Combine(_dir, "study", "gan"), Path.Combine(_dir, "study", "ddgan"), "--layout", "ablation");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.StartWith("| Variant ").And.Contain("| gan ").And.Contain("Recall ↑"));
    }

    [Test]
    public void Plot_Study_WritesPng()
    {
        var png = Path.Combine(_dir, "trilemma.png");
        var (exit, output, err) = Cli.Run("plot", Path.Combine(_dir, "study"), "--out", png);
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(File.ReadAllBytes(png).Take(4), Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47 }));
        Assert.That(output, Does.Contain("4 evaluations"));
    }

    [Test]
    public void TableAndPlot_BadInput_ExitTwoAndWriteNothing()
    {
        Assert.That(Cli.Run("table", Path.Combine(_dir, "missing")).Exit, Is.EqualTo(2));
        Assert.That(Cli.Run("table", Path.Combine(_dir, "study"), "--layout", "table-9").Exit, Is.EqualTo(2));
        Run("unevaluated/run", new Dictionary<string, object> { ["step"] = 10, ["loss"] = 0.5 });
        var (exit, _, err) = Cli.Run("table", Path.Combine(_dir, "unevaluated"));
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("not evaluated yet"));
        Run("noquality/run", new Dictionary<string, object> { ["eval"] = "x", ["method"] = "m", ["nfe"] = 1, ["ms_per_1000"] = 3.0 });
        var png = Path.Combine(_dir, "never.png");
        Assert.That(Cli.Run("plot", Path.Combine(_dir, "noquality"), "--out", png).Exit, Is.EqualTo(2));
        Assert.That(File.Exists(png), Is.False);
        Assert.That(Cli.Run("plot", Path.Combine(_dir, "study")).Exit, Is.EqualTo(2), "--out is required");
    }

    [Test]
    public void Table_MeanOverHeldOutSeeds_LeavesTheTuningSeedOut_AndAnUnknownSeedIsExitTwo()
    {
        foreach (var (seed, fid) in new[] { (0, 1.0), (1, 5.0), (2, 6.0), (3, 7.0) })
        {
            Run($"sweep/ddgan_seed={seed}", Line($"ddgan_seed={seed}", "T=4", 4, 200, fid, 0.5));
            File.WriteAllText(Path.Combine(_dir, "sweep", $"ddgan_seed={seed}", "run.json"), $"{{ \"seed\": {seed} }}");
        }
        var sweep = Path.Combine(_dir, "sweep");
        var (exit, output, err) = Cli.Run("table", sweep, "--layout", "ablation", "--mean-over-seeds", "--seed", "1", "--seed", "2", "--seed", "3");
        Assert.That(exit, Is.EqualTo(0), err);
        // FID of seeds 1-3: mean 6, sample sd 1; seed 0 (FID 1) would pull the mean to 4.75.
        Assert.That(output, Does.Contain("| ddgan   | 1, 2, 3 |").And.Contain("6.00 ± 1.00"));
        var md = Path.ChangeExtension(Path.Combine(_dir, "never"), ".md");   // not a file name the citation check reads
        (exit, _, err) = Cli.Run("table", sweep, "--seed", "9", "--out", md);
        Assert.That((exit, File.Exists(md)), Is.EqualTo((2, false)));
        Assert.That(err, Does.Contain("seed 9"));
    }

    [Test]
    public void TableAndPlot_Timing_TimesFromTheBenchReport_UntimedRowsEmpty_BadReportIsExitTwo()
    {
        File.WriteAllText(Path.Combine(_dir, "study", "ddpm", "resolved.json"), """{ "name": "study-ddpm" }""");
        File.WriteAllText(Path.Combine(_dir, "study", "ddgan", "resolved.json"), """{ "name": "study-ddgan" }""");
        var bench = Path.Combine(_dir, "bench.json");
        File.WriteAllText(bench, """
            { "sampling": [ { "run": "study-ddpm", "request": "1000 steps", "samples": 8, "ms_per_sample": 7000.5 },
                            { "run": "study-ddgan", "request": "T=4", "samples": 8, "ms_per_sample": 0.0125 } ] }
            """);
        var study = Path.Combine(_dir, "study");
        var (exit, output, err) = Cli.Run("table", study, "--layout", "ablation", "--timing", bench);
        Assert.That(exit, Is.EqualTo(0), err);
        string Line(string label) => output.Split('\n').Single(l => l.StartsWith($"| {label} "));
        // ms / 1,000 samples: the bench's ms per sample × 1,000, in place of the evaluations' 52,000 and 210.
        Assert.That(Line("ddpm (1000 steps)"), Does.Match(@"\|\s+7000500\.0 \|$"));
        Assert.That(Line("ddgan"), Does.Match(@"\|\s+12\.5 \|$"));
        Assert.That(Line("ddpm (ddim 50)"), Does.Not.Contain("2600"), "a row the bench did not time shows no time");
        Assert.That(err, Does.Contain("no timing of run 'study-ddpm', request 'ddim 50'").And.Contain("no timing of run").And.Contain("'1 step'"));
        Assert.That(output, Does.Contain("Sampling times from bench.json"));

        var png = Path.Combine(_dir, "timed.png");
        (exit, output, err) = Cli.Run("plot", study, "--out", png, "--timing", bench);
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Contain("Trilemma plot"));

        File.WriteAllText(bench, """{ "sampling": [ { "run": "study-ddpm", "samples": 8, "ms_per_sample": 1 } ] }""");
        var md = Path.ChangeExtension(Path.Combine(_dir, "never"), ".md");   // not a file name the citation check reads
        (exit, _, err) = Cli.Run("table", study, "--timing", bench, "--out", md);
        Assert.That((exit, File.Exists(md)), Is.EqualTo((2, false)));
        Assert.That(err, Does.Contain("bench.json: sampling[0]: key 'request'"));
        (exit, _, err) = Cli.Run("plot", study, "--timing", Path.Combine(_dir, "none.json"), "--out", png + "2");
        Assert.That((exit, File.Exists(png + "2")), Is.EqualTo((2, false)));
        Assert.That(err, Does.Contain("none.json: no such bench report"));
    }

    private void Run(string relative, params Dictionary<string, object>[] lines)
    {
        var dir = Path.Combine(_dir, relative);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "resolved.json"), "{}");
        File.WriteAllLines(Path.Combine(dir, "metrics.jsonl"), lines.Select(l => JsonSerializer.Serialize(l)));
    }

    private static Dictionary<string, object> Line(string method, string eval, int nfe, double ms, double fid, double recall) => new()
    {
        ["eval"] = eval, ["method"] = method, ["nfe"] = nfe, ["ms_per_1000"] = ms, ["fid"] = fid, ["is"] = 9.0, ["recall"] = recall,
    };
}
