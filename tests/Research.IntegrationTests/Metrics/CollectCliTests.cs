using System.Text.Json;

namespace Research.IntegrationTests.Metrics;

/// <summary><c>research collect</c>: a study's small per-run files, copied for committing; never an overwrite.</summary>
public class CollectCliTests
{
    private const string Md = ".md";   // spelled apart so the citation check does not read an output path as a document
    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("collect-cli-").FullName;
        var run = Path.Combine(_dir, "runs", "20261206-1329-study", "ddpm");
        Directory.CreateDirectory(Path.Combine(run, "samples"));
        Directory.CreateDirectory(Path.Combine(run, "checkpoints"));
        // The loader stores plugin paths absolute; this one lies under the run's working directory.
        File.WriteAllText(Path.Combine(run, "resolved.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["name"] = "study-ddpm", ["plugins"] = new[] { Path.Combine(_dir, "plugins", "P", "p.dll"), "/elsewhere/q.dll" },
        }));
        File.WriteAllText(Path.Combine(run, "run.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["status"] = "completed", ["working_directory"] = _dir, ["experiment_file"] = Path.Combine(_dir, "experiments", "e.json"),
            // A sweep worker's arguments name absolute paths under the working directory.
            ["command_line"] = new[] { "research", "run-point", Path.Combine(_dir, "runs", ".points", "ddpm.json"), "--folder", Path.Combine(_dir, "runs", "ddpm") },
        }));
        File.WriteAllLines(Path.Combine(run, "metrics.jsonl"), [
            JsonSerializer.Serialize(new Dictionary<string, object> { ["step"] = 100, ["loss"] = 0.05 }),
            JsonSerializer.Serialize(new Dictionary<string, object> { ["eval"] = "ddim 50", ["method"] = "ddpm", ["nfe"] = 50, ["kid"] = 1.5, ["step"] = 3600 }),
            "{\"step\": 3700, \"loss\"",                                   // a torn tail
        ]);
        File.WriteAllBytes(Path.Combine(run, "samples", "ddim-50.png"), [0x89, 0x50, 0x4E, 0x47]);
        File.WriteAllBytes(Path.Combine(run, "samples", "ddim-50.safetensors"), new byte[64]);
        File.WriteAllBytes(Path.Combine(run, "checkpoints", "latest.safetensors"), new byte[64]);
        File.WriteAllText(Path.Combine(run, "log.txt"), "log");
        File.WriteAllText(Path.Combine(_dir, "runs", "20261206-1329-study", "table" + Md), "| table |");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void Collect_ExperimentFolder_CopiesConfigRecordEvaluationLinesGridsAndTableOnly()
    {
        var out_ = Path.Combine(_dir, "study", "runs");
        var (exit, output, err) = Cli.Run("collect", Path.Combine(_dir, "runs", "20261206-1329-study"), "--out", out_);
        Assert.That(exit, Is.EqualTo(0), err + output);
        var files = Directory.EnumerateFiles(out_, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(out_, f).Replace('\\', '/')).Order().ToArray();
        Assert.That(files, Is.EqualTo(new[]
        {
            "20261206-1329-study/ddpm/metrics.jsonl", "20261206-1329-study/ddpm/resolved.json", "20261206-1329-study/ddpm/run.json",
            "20261206-1329-study/ddpm/samples/ddim-50.png", "20261206-1329-study/table" + Md,
        }));
        var lines = File.ReadAllLines(Path.Combine(out_, "20261206-1329-study", "ddpm", "metrics.jsonl"));
        Assert.That(lines, Has.Length.EqualTo(1), "only the evaluation line");
        Assert.That(lines[0], Does.Contain("\"kid\":1.5"));
        var record = File.ReadAllText(Path.Combine(out_, "20261206-1329-study", "ddpm", "run.json"));
        Assert.That(record, Does.Not.Contain(_dir), "a committed record names no folder of the machine");
        using (var doc = JsonDocument.Parse(record))
        {
            Assert.That(doc.RootElement.GetProperty("working_directory").GetString(), Is.EqualTo("."));
            Assert.That(doc.RootElement.GetProperty("experiment_file").GetString(), Is.EqualTo(Path.Combine("experiments", "e.json")));
            Assert.That(doc.RootElement.GetProperty("status").GetString(), Is.EqualTo("completed"));
            Assert.That(doc.RootElement.GetProperty("command_line").EnumerateArray().Select(a => a.GetString()), Is.EqualTo(new[]
                { "research", "run-point", Path.Combine("runs", ".points", "ddpm.json"), "--folder", Path.Combine("runs", "ddpm") }));
        }
        // resolved.json: the plugin under the working directory now relative to the collected file, pointing at the same
        // path under the collecting command's directory (the loader reads plugin paths relative to the file); others kept.
        var dest = Path.Combine(out_, "20261206-1329-study", "ddpm");
        using (var resolved = JsonDocument.Parse(File.ReadAllText(Path.Combine(dest, "resolved.json"))))
        {
            var plugins = resolved.RootElement.GetProperty("plugins").EnumerateArray().Select(p => p.GetString()!).ToArray();
            Assert.That(Path.IsPathRooted(plugins[0]), Is.False, plugins[0]);
            Assert.That(Path.GetFullPath(Path.Combine(dest, plugins[0])), Is.EqualTo(Path.Combine(Environment.CurrentDirectory, "plugins", "P", "p.dll")));
            Assert.That(plugins[1], Is.EqualTo("/elsewhere/q.dll"));
        }

        // The collected folder is a run folder for research table: the numbers can be rebuilt from the repository.
        var (tableExit, table, tableErr) = Cli.Run("table", out_, "--layout", "ablation");
        Assert.That(tableExit, Is.EqualTo(0), tableErr);
        Assert.That(table, Does.Contain("1.5"));

        var again = Cli.Run("collect", Path.Combine(_dir, "runs", "20261206-1329-study"), "--out", out_);
        Assert.That(again.Exit, Is.EqualTo(0), again.Err);
        Assert.That(again.Out, Does.Contain("0 file(s) written, 5 already identical"));
    }

    [Test]
    public void Collect_NoImagesAndASweepFolder_LeavesOutPicturesKeepsResultsCsv()
    {
        File.WriteAllText(Path.Combine(_dir, "runs", "20261206-1329-study", "results.csv"), "point,seed,kid\nddpm,1,1.5\n");
        var out_ = Path.Combine(_dir, "study", "runs");
        var (exit, output, err) = Cli.Run("collect", Path.Combine(_dir, "runs", "20261206-1329-study"), "--out", out_, "--no-images");
        Assert.That(exit, Is.EqualTo(0), err + output);
        var files = Directory.EnumerateFiles(out_, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(out_, f).Replace('\\', '/')).Order().ToArray();
        Assert.That(files, Is.EqualTo(new[]
        {
            "20261206-1329-study/ddpm/metrics.jsonl", "20261206-1329-study/ddpm/resolved.json", "20261206-1329-study/ddpm/run.json",
            "20261206-1329-study/results.csv", "20261206-1329-study/table" + Md,
        }));
    }

    [Test]
    public void Collect_RunStillTraining_IsLeftOutWithAMessage_UnlessIncludeUnevaluated()
    {
        var training = Path.Combine(_dir, "runs", "20261206-1329-study", "ddgan");
        Directory.CreateDirectory(training);
        File.WriteAllText(Path.Combine(training, "resolved.json"), "{ \"name\": \"study-ddgan\" }");
        File.WriteAllText(Path.Combine(training, "run.json"), "{ \"status\": \"running\" }");
        File.WriteAllLines(Path.Combine(training, "metrics.jsonl"), ["{\"step\": 100, \"loss\": 0.7}"]);
        var out_ = Path.Combine(_dir, "study", "runs");
        var (exit, output, err) = Cli.Run("collect", Path.Combine(_dir, "runs", "20261206-1329-study"), "--out", out_);
        Assert.That(exit, Is.EqualTo(0), err + output);
        Assert.That(err, Does.Contain("skipped").And.Contain("ddgan"));
        Assert.That(Directory.Exists(Path.Combine(out_, "20261206-1329-study", "ddgan")), Is.False);
        Assert.That(File.Exists(Path.Combine(out_, "20261206-1329-study", "ddpm", "run.json")), Is.True);
        (exit, _, err) = Cli.Run("collect", Path.Combine(_dir, "runs", "20261206-1329-study"), "--out", out_, "--include-unevaluated");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(File.Exists(Path.Combine(out_, "20261206-1329-study", "ddgan", "run.json")), Is.True);
    }

    [Test]
    public void Collect_DestinationHoldsADifferentFile_ExitTwoAndWritesNothing()
    {
        var out_ = Path.Combine(_dir, "study", "runs");
        var resolved = Path.Combine(out_, "20261206-1329-study", "ddpm", "resolved.json");
        Directory.CreateDirectory(Path.GetDirectoryName(resolved)!);
        File.WriteAllText(resolved, "{ \"name\": \"an earlier run\" }");
        var (exit, _, err) = Cli.Run("collect", Path.Combine(_dir, "runs", "20261206-1329-study"), "--out", out_);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("resolved.json").And.Contain("nothing written"));
        Assert.That(File.ReadAllText(resolved), Does.Contain("an earlier run"));
        Assert.That(File.Exists(Path.Combine(out_, "20261206-1329-study", "ddpm", "run.json")), Is.False);
        Assert.That(Cli.Run("collect", Path.Combine(_dir, "missing"), "--out", out_).Exit, Is.EqualTo(2));
    }
}
