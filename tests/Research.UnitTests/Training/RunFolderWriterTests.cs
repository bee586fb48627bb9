using System.Text.Json;
using Research.Training.Experiments;
using Research.Training.Runs;
using Research.UnitTests.Contracts;
using Serilog.Events;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

/// <summary>
/// One writer per run folder (a lock held while the run is open; readers need none), and a diverged model's samples
/// still yield their rows and metrics lines.
/// </summary>
public sealed class RunFolderWriterTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("writer-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private ExperimentRunner Runner() =>
        new(TestExperiments.Registry, new RunnerSettings { RunsDir = _dir, DataRoot = _dir }, TextWriter.Null);

    [Test]
    public void Train_ResumeOfAFolderAnotherWriterHolds_RefusedNamingTheFolder_ReadersStillAppend()
    {
        var run = TestExperiments.Tiny("ddpm-eps", 0, "training.steps=10");
        var (session, folder) = Runner().Train(run);
        using (session)
        using (folder)
        {
            var error = Assert.Throws(Is.InstanceOf<IOException>(), () => Runner().Train(run, resumeFrom: folder.Path))!;
            Assert.That(error.Message, Does.Contain(folder.Path).And.Contain($"pid {Environment.ProcessId}"));
            using (var reader = RunFolder.Open(folder.Path, LogEventLevel.Fatal))
                reader.WriteMetrics(new Dictionary<string, object> { ["eval"] = "reader", ["step"] = 10L });
        }
        // Released with the folder: the next writer gets it.
        var (again, againFolder) = Runner().Train(run, resumeFrom: folder.Path);
        using (again) using (againFolder) Assert.That(again.Step, Is.EqualTo(10));
    }

    [Test]
    public void EvaluateAll_NonFiniteSamples_RowsAndMetricsLinesStillWritten()
    {
        var run = TestExperiments.Tiny("ddpm-eps", 0, "training.steps=5");
        var (session, folder) = Runner().Train(run);
        using (session)
        using (folder)
        {
            using (no_grad())
                foreach (var ema in session.Emas.Values)
                    foreach (var (_, shadow) in ema.State()) shadow.fill_(double.NaN);
            var rows = SampleEvaluator.EvaluateAll(session, folder, "m");
            Assert.That(rows, Has.Count.EqualTo(1));
            Assert.That(rows[0].Metrics["frechet"], Is.NaN);
            var line = File.ReadAllLines(Path.Combine(folder.Path, "metrics.jsonl")).Last();
            using var doc = JsonDocument.Parse(line);
            Assert.That(doc.RootElement.GetProperty("eval").GetString(), Is.EqualTo("all"));
            Assert.That(doc.RootElement.GetProperty("frechet").ValueKind, Is.EqualTo(JsonValueKind.Null));
            var table = ComparisonTable.Build(rows).ToMarkdown();
            Assert.That(table, Does.Contain("NaN"));
        }
    }
}
