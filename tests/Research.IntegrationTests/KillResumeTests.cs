using System.Diagnostics;
using Research.Core.IO;

namespace Research.IntegrationTests;

/// <summary>
/// A training process killed with SIGKILL at random moments, then resumed, ends at the same weights as an
/// uninterrupted run, bit for bit (CPU): checkpoints are atomic and hold model, optimizer, EMA, RNG and data order.
/// </summary>
[NonParallelizable]
public class KillResumeTests
{
    private const string Experiment = """
    {
      "name": "killme",
      "device": "cpu",
      "threads": 1,
      "data": { "type": "gaussian-grid", "options": { "num_per_mode": 40 } },
      "backbone": { "type": "mlp", "options": { "hidden_dim": 64, "num_layers": 2, "time_embed_dim": 16 } },
      "schedule": { "type": "linear", "num_timesteps": 100 },
      "parameterization": { "type": "ddpm-eps" },
      "training": { "steps": 600, "batch_size": 64, "log_every": 50, "checkpoint_every": 7, "warmup_steps": 20, "lr_schedule": "cosine" },
      "sampling": []
    }
    """;

    [Test]
    public void Train_KilledAtRandomMomentsThenResumed_SameWeightsAsUninterrupted()
    {
        var dir = Directory.CreateTempSubdirectory("kill-").FullName;
        try
        {
            var file = Path.Combine(dir, "e.json");
            File.WriteAllText(file, Experiment);
            var (exit, _, err) = Cli.Run("train", file, "--runs-dir", Path.Combine(dir, "ref"));
            Assert.That(exit, Is.EqualTo(0), err);
            var reference = Directory.GetDirectories(Path.Combine(dir, "ref")).Single();

            var runs = Path.Combine(dir, "killed");
            var random = new Random(20261123);
            int kills = 0;
            long lastStep = 0;
            string? run = null;
            for (int attempt = 0; attempt < 4; attempt++)
            {
                using var p = run is null ? Start("train", file, "--runs-dir", runs) : Start("train", "--resume", run);
                // Wait until this process has written a newer checkpoint, then kill it at a random moment after.
                var sw = Stopwatch.StartNew();
                while (!p.HasExited && sw.Elapsed < TimeSpan.FromSeconds(120))
                {
                    run ??= Directory.Exists(runs) ? Directory.GetDirectories(runs).SingleOrDefault() : null;
                    long step = run is null ? 0 : CheckpointStep(run);
                    if (step > lastStep) { lastStep = step; break; }
                    Thread.Sleep(20);
                }
                Thread.Sleep(random.Next(0, 400));
                if (!p.HasExited) { p.Kill(); kills++; }
                p.WaitForExit();
            }
            Assert.That(run, Is.Not.Null);
            (exit, _, err) = Cli.Run("train", "--resume", run!);   // finish in-process
            Assert.That(exit, Is.EqualTo(0), err);
            TestContext.Out.WriteLine($"killed {kills} times");
            Assert.That(kills, Is.GreaterThanOrEqualTo(3), "the test must actually interrupt training");
            Assert.That(lastStep, Is.GreaterThan(0).And.LessThan(600), "kills must fall between checkpoints of a started run");

            var (a, ma) = SafeTensors.Read(Path.Combine(reference, "checkpoints", "latest.safetensors"));
            var (b, mb) = SafeTensors.Read(Path.Combine(run!, "checkpoints", "latest.safetensors"));
            try
            {
                Assert.That(mb["step"], Is.EqualTo(ma["step"]));
                foreach (var k in a.Keys.Where(k => !k.StartsWith("rng.")))
                    Assert.That(a[k].eq(b[k]).all().item<bool>(), Is.True, k);
                Assert.That(Directory.GetFiles(Path.Combine(run!, "checkpoints"), "*.tmp"), Is.Empty);
            }
            finally
            {
                foreach (var t in a.Values.Concat(b.Values)) t.Dispose();
            }
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static long CheckpointStep(string run)
    {
        try
        {
            var path = Path.Combine(run, "checkpoints", "latest.safetensors");
            return File.Exists(path) ? long.Parse(Research.Training.Runs.Checkpoint.ReadMetadata(path)["step"]) : 0;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static Process Start(params string[] args)
    {
        var p = Cli.Start(args);
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }
}
