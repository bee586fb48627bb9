using System.Diagnostics;
using System.Text.Json;

namespace Research.IntegrationTests;

/// <summary>
/// A sweep stopped while a point draws its evaluation samples (a session's end during a 1000-step DDPM row) keeps the
/// finished chunks in <c>samples/&lt;label&gt;.partial.safetensors</c>; the same command continues the draw from them, and the
/// samples written are the bytes an uninterrupted sweep writes. The partial file is gone once the samples are written.
/// A request evaluated before the stop is read back from <c>metrics.jsonl</c>, not drawn (or logged) a second time.
/// </summary>
[NonParallelizable]
public class SamplingResumeCliTests
{
    // 1000 reverse steps in 25 chunks of 16 samples: a few seconds of drawing, stopped after its first chunks.
    private const string Experiment = """
    {
      "name": "draw", "device": "cpu", "threads": 1,
      "data": { "type": "gaussian-grid", "options": { "num_per_mode": 40 } },
      "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
      "schedule": { "type": "linear", "num_timesteps": 1000 },
      "parameterization": { "type": "ddpm-eps" },
      "training": { "steps": 20, "batch_size": 32, "log_every": 10, "checkpoint_every": 10, "lr_schedule": "constant" },
      "sampling": [
        { "label": "short", "steps": "ddim10", "sampler": "ddim", "eta": 0, "num_samples": 64, "warmup": false },
        { "label": "long", "num_samples": 400, "batch_size": 16, "warmup": false }
      ],
      "evaluation": { "mmd_points": 50, "plot": false },
      "sweep": { "name": "draw", "seeds": [1] }
    }
    """;

    [Test]
    public void Sweep_StoppedWhileDrawing_SameCommandContinuesFromSavedChunks_SamplesBitIdentical()
    {
        var dir = Directory.CreateTempSubdirectory("draw-resume-").FullName;
        try
        {
            var file = Path.Combine(dir, "e.json");
            File.WriteAllText(file, Experiment);
            var (refExit, _, refErr) = Cli.Run(["sweep", file, "--runs-dir", Path.Combine(dir, "ref")]);
            Assert.That(refExit, Is.EqualTo(0), refErr);
            var reference = File.ReadAllBytes(Path.Combine(dir, "ref", "draw", "seed=1", "samples", "long.safetensors"));
            var shortReference = File.ReadAllBytes(Path.Combine(dir, "ref", "draw", "seed=1", "samples", "short.safetensors"));

            string[] args = ["sweep", file, "--runs-dir", Path.Combine(dir, "runs")];
            using var p = Cli.Start(args);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            var point = Path.Combine(dir, "runs", "draw", "seed=1");
            var partial = Path.Combine(point, "samples", "long.partial.safetensors");
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed < TimeSpan.FromMinutes(2) && !p.HasExited && !File.Exists(partial)) Thread.Sleep(10);
            Assert.That(p.HasExited, Is.False, "the sweep still draws when signalled");
            using (var kill = Process.Start("kill", ["-" + InterruptSignal.Name, p.Id.ToString()])) kill.WaitForExit();
            Assert.That(p.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "SIGINT ends the sweep");
            p.WaitForExit();
            Assert.That(p.ExitCode, Is.EqualTo(130), stderr.Result);
            Assert.That(File.Exists(partial), Is.True, "the finished chunks stay on disk");
            Assert.That(File.Exists(Path.Combine(point, "samples", "long.safetensors")), Is.False, "no samples file before the draw ends");
            var shortFile = Path.Combine(point, "samples", "short.safetensors");
            Assert.That(File.ReadAllBytes(shortFile), Is.EqualTo(shortReference), "the first request finished before the stop");
            var shortWritten = File.GetLastWriteTimeUtc(shortFile);

            var (exit, _, err) = Cli.Run(args);
            Assert.That(exit, Is.EqualTo(0), err);
            var log = File.ReadAllText(Path.Combine(point, "log.txt"));
            Assert.That(log, Does.Match(@"continuing the draw from \S*long\.partial\.safetensors: [1-9][0-9]* chunk\(s\) already drawn"));
            Assert.That(File.Exists(partial), Is.False, "the partial file is removed once the samples are written");
            Assert.That(File.ReadAllBytes(Path.Combine(point, "samples", "long.safetensors")), Is.EqualTo(reference),
                "the resumed draw wrote other samples than the uninterrupted one");
            var lines = File.ReadAllLines(Path.Combine(point, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            var eval = lines.Single(e => e.TryGetProperty("eval", out var label) && label.GetString() == "long");
            Assert.That(eval.GetProperty("ms_per_1000").GetDouble(), Is.GreaterThan(0));
            Assert.That(lines.Count(e => e.TryGetProperty("eval", out var label) && label.GetString() == "short"), Is.EqualTo(1),
                "the request finished before the stop was evaluated again");
            Assert.That(log, Does.Contain("short: evaluated before at step 20"));
            Assert.That(File.GetLastWriteTimeUtc(shortFile), Is.EqualTo(shortWritten), "its samples file was written again");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
