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
    [Test]
    public void WriteMetrics_TwoWritersAtOnce_EveryLineParsesAndNoneIsLost()
    {
        var dir = Directory.CreateTempSubdirectory("metrics-").FullName;
        try
        {
            var path = Path.Combine(dir, "run");
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
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
