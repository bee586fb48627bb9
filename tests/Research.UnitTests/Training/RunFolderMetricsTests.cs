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

    // A line cut by a full disk or a kill (no newline at its end) is dropped before the next line is appended, so the
    // cut line never glues onto a whole one.
    [Test]
    public void WriteMetrics_AfterATornTail_DropsItAndAppendsAWholeLine()
    {
        var path = Path.Combine(_dir, "run");
        using var folder = RunFolder.CreateAt(path, "{}", 0, LogEventLevel.Fatal);
        var file = Path.Combine(path, "metrics.jsonl");
        File.WriteAllText(file, "{\"step\":1}\n{\"step\":2,\"loss\":0.5");
        folder.WriteMetrics(new Dictionary<string, object> { ["step"] = 3L });
        Assert.That(File.ReadAllText(file), Is.EqualTo("{\"step\":1}\n{\"step\":3}\n"));
    }

    // Resume rewinds metrics.jsonl; a torn last line goes with it instead of living on as "not JSON".
    [Test]
    public void RewindMetrics_TornTail_IsDropped()
    {
        var path = Path.Combine(_dir, "run");
        using var folder = RunFolder.CreateAt(path, "{}", 0, LogEventLevel.Fatal);
        var file = Path.Combine(path, "metrics.jsonl");
        File.WriteAllText(file, "{\"step\":1}\n{\"step\":2}\n{\"st");
        folder.RewindMetrics(10);
        Assert.That(File.ReadAllText(file), Is.EqualTo("{\"step\":1}\n{\"step\":2}\n"));
    }

    // NaN and ±Inf have no JSON form: they are written as null, and the line names them under non_finite.
    [Test]
    public void WriteMetrics_NonFiniteValues_NullAndNamedUnderNonFinite()
    {
        var path = Path.Combine(_dir, "run");
        using var folder = RunFolder.CreateAt(path, "{}", 0, LogEventLevel.Fatal);
        folder.WriteMetrics(new Dictionary<string, object>
        {
            ["step"] = 4L, ["frechet"] = double.NaN, ["mmd2"] = double.PositiveInfinity, ["loss"] = float.NegativeInfinity, ["fine"] = 1.5,
        });
        var line = File.ReadAllLines(Path.Combine(path, "metrics.jsonl")).Single();
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        foreach (var key in new[] { "frechet", "mmd2", "loss" })
            Assert.That(root.GetProperty(key).ValueKind, Is.EqualTo(JsonValueKind.Null), key);
        Assert.That(root.GetProperty("fine").GetDouble(), Is.EqualTo(1.5));
        Assert.That(root.GetProperty("non_finite").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(new[] { "frechet", "mmd2", "loss" }));
    }

    // A full disk mid-line: the write fails, and the file is cut back to its whole lines (here on a 1 MiB tmpfs filled up,
    // where a 64 KiB line fits only partly into the last page's slack).
    [Test]
    public void WriteMetrics_DiskFullMidLine_LeavesOnlyWholeLines()
    {
        var mount = Path.Combine(_dir, "tiny");
        Directory.CreateDirectory(mount);
        if (!Tool("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount)) Assert.Ignore("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)");
        try
        {
            var path = Path.Combine(mount, "run");
            using var folder = RunFolder.CreateAt(path, "{}", 0, LogEventLevel.Fatal);
            folder.WriteMetrics(new Dictionary<string, object> { ["step"] = 1L });
            var file = Path.Combine(path, "metrics.jsonl");
            var before = File.ReadAllText(file);
            using (var filler = new FileStream(Path.Combine(mount, "filler"), FileMode.Create))
            {
                var block = new byte[4096];
                try
                {
                    while (true) filler.Write(block);
                }
                catch (IOException)
                {
                }
            }
            Assert.Throws(Is.InstanceOf<IOException>(),
                () => folder.WriteMetrics(new Dictionary<string, object> { ["step"] = 2L, ["padding"] = new string('x', 64 * 1024) }));
            Assert.That(File.ReadAllText(file), Is.EqualTo(before));
        }
        finally
        {
            Tool("umount", mount);
        }
    }

    private static bool Tool(string tool, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = System.Diagnostics.Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
