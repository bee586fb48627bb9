using System.Text.Json;
using Research.Training.Runs;
using Serilog.Events;

namespace Research.UnitTests.Training;

/// <summary>
/// metrics.jsonl stays one JSON object per line when two writers append at once (a <c>research eval</c> of a run that is
/// still training): each line is one write under an exclusive lock.
/// </summary>
public sealed class RunFolderMetricsTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("metrics-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void WriteMetrics_TwoWritersAtOnce_EveryLineParsesAndNoneIsLost()
    {
        var path = Path.Combine(_dir, "run");
        using var trainer = RunFolder.CreateAt(path, "{}", 0, LogEventLevel.Fatal);
        using var evaluator = RunFolder.Open(path, LogEventLevel.Fatal);
        const int lines = 300;
        var padding = new string('x', 3000);   // longer than a stream buffer's worth of interleaving room
        void Write(RunFolder folder, string who)
        {
            for (int i = 0; i < lines; i++)
                folder.WriteMetrics(new Dictionary<string, object> { ["who"] = who, ["i"] = i, ["padding"] = padding });
        }
        Parallel.Invoke(() => Write(trainer, "trainer"), () => Write(evaluator, "eval"));

        var parsed = File.ReadAllLines(Path.Combine(path, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.That(parsed, Has.Count.EqualTo(2 * lines));
        foreach (var who in new[] { "trainer", "eval" })
            Assert.That(parsed.Where(e => e.GetProperty("who").GetString() == who).Select(e => e.GetProperty("i").GetInt32()),
                Is.EqualTo(Enumerable.Range(0, lines)), who);
    }

    // A resumed run logs the steps after its checkpoint again; RewindMetrics drops their first lines and nothing else.
    [Test]
    public void RewindMetrics_DropsOnlyLinesAfterTheStep()
    {
        var path = Path.Combine(_dir, "run");
        using var folder = RunFolder.CreateAt(path, "{}", 0, LogEventLevel.Fatal);
        foreach (long step in new long[] { 5, 10, 10, 15, 20 })
            folder.WriteMetrics(new Dictionary<string, object> { ["step"] = step });
        folder.WriteMetrics(new Dictionary<string, object> { ["note"] = "no step" });
        var file = Path.Combine(path, "metrics.jsonl");
        File.AppendAllText(file, "not json\n");

        Assert.That(folder.RewindMetrics(10), Is.EqualTo(2));
        Assert.That(File.ReadAllLines(file), Is.EqualTo(new[] { "{\"step\":5}", "{\"step\":10}", "{\"step\":10}", "{\"note\":\"no step\"}", "not json" }));
        Assert.That(folder.RewindMetrics(10), Is.EqualTo(0));
        folder.WriteMetrics(new Dictionary<string, object> { ["step"] = 15L });
        Assert.That(File.ReadAllLines(file)[^1], Is.EqualTo("{\"step\":15}"));
    }

    // A metrics.jsonl that is a link (here to /dev/full, which reads as endless zeros) is not read or replaced.
    [Test]
    public void RewindMetrics_OnALink_LeavesItAlone()
    {
        if (!File.Exists("/dev/full")) Assert.Ignore("needs /dev/full");
        var path = Path.Combine(_dir, "run");
        using var folder = RunFolder.CreateAt(path, "{}", 0, LogEventLevel.Fatal);
        var file = Path.Combine(path, "metrics.jsonl");
        File.Delete(file);
        File.CreateSymbolicLink(file, "/dev/full");
        Assert.That(folder.RewindMetrics(0), Is.EqualTo(0));
        Assert.That(new FileInfo(file).LinkTarget, Is.EqualTo("/dev/full"));
    }
}
