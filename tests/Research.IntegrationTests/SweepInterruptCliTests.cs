using System.Diagnostics;
using System.Text.Json;

namespace Research.IntegrationTests;

/// <summary>
/// SIGINT to a running <c>research sweep</c>: it starts no further point, sends its workers SIGTERM, each writes a checkpoint
/// and records itself interrupted, the sweep exits 130, and the same command resumes and finishes every point.
/// </summary>
[NonParallelizable]
public class SweepInterruptCliTests
{
    [Test]
    public void Sweep_Sigint_WorkersCheckpointAndStop_Exit130_ThenTheSameCommandFinishes()
    {
        var dir = Directory.CreateTempSubdirectory("sweep-int-").FullName;
        try
        {
            var file = TinySweep.Write(dir, """{ "name": "isweep", "zip": { "seed": [0, 1, 2] } }""");
            string[] args = ["sweep", file, "--runs-dir", Path.Combine(dir, "runs"), "--workers", "2",
                "--set", "training.steps=6000", "--set", "training.log_every=50", "--set", "training.checkpoint_every=10000"];
            using var p = Cli.Start(args);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            var sweep = Path.Combine(dir, "runs", "isweep");
            var sw = Stopwatch.StartNew();
            // Both workers train (each has a metrics line) before the signal.
            while (sw.Elapsed < TimeSpan.FromMinutes(3) && !p.HasExited)
            {
                var trained = Directory.Exists(sweep)
                    ? Directory.GetDirectories(sweep, "seed=*").Count(d => File.Exists(Path.Combine(d, "metrics.jsonl")) && new FileInfo(Path.Combine(d, "metrics.jsonl")).Length > 0)
                    : 0;
                if (trained >= 2) break;
                Thread.Sleep(50);
            }
            Assert.That(p.HasExited, Is.False, "the sweep still runs when signalled");
            using (var kill = Process.Start("kill", ["-" + InterruptSignal.Name, p.Id.ToString()])) kill.WaitForExit();
            Assert.That(p.WaitForExit(TimeSpan.FromSeconds(90)), Is.True, "SIGINT ends the sweep");
            p.WaitForExit();
            Assert.That(p.ExitCode, Is.EqualTo(130), stderr.Result);
            Assert.That(stdout.Result, Does.Not.Contain("run seed=2"), "no point starts after the signal");
            Assert.That(stderr.Result, Does.Contain("(points): 0/3").And.Not.Contain("(points): 1/3").And.Not.Contain("(points): 2/3"),
                "an interrupted point is not counted as ended");
            var points = Directory.GetDirectories(sweep, "seed=*");
            Assert.That(points, Has.Length.EqualTo(2));
            foreach (var point in points)
            {
                var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(point, "run.json"))).RootElement;
                Assert.That(record.GetProperty("status").GetString(), Is.EqualTo("interrupted"), point);
                Assert.That(record.GetProperty("error").GetString(), Is.EqualTo("interrupted by SIGTERM"), point);
                Assert.That(File.Exists(Path.Combine(point, "checkpoints", "latest.safetensors")), Is.True, $"{point}: a checkpoint at its last step");
                Assert.That(File.Exists(Path.Combine(point, "done.json")), Is.False);
            }

            var (exit, output, err) = Cli.Run(args);
            Assert.That(exit, Is.EqualTo(0), err);
            Assert.That(output, Does.Contain("Results written to"));
            foreach (var point in Directory.GetDirectories(sweep, "seed=*"))
            {
                Assert.That(File.Exists(Path.Combine(point, "done.json")), Is.True, point);
                Assert.That(File.ReadAllText(Path.Combine(point, "log.txt")), Does.Contain("Resumed from").Or.Contain("seed=2"), point);
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
