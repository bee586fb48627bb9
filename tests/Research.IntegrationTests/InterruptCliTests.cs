using System.Diagnostics;
using System.Text.Json;
using Research.Core.IO;

namespace Research.IntegrationTests;

/// <summary>
/// The built CLI under Ctrl-C (SIGINT): the current step finishes, a checkpoint is written at it, <c>run.json</c> says
/// interrupted, the process exits with 130 and <c>train --resume</c> reaches the uninterrupted run's weights bit for bit.
/// Standard output holds results only (logs and progress go to standard error); under a pseudo-terminal a bar shows at once.
/// </summary>
[NonParallelizable]
public class InterruptCliTests
{
    // Checkpoints every 5000 steps (after the last): a checkpoint at the step the signal came is the interruption's own.
    private const string Experiment = """
    {
      "name": "ctrlc", "device": "cpu", "threads": 1,
      "data": { "type": "gaussian-grid", "options": { "num_per_mode": 40 } },
      "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
      "schedule": { "type": "linear", "num_timesteps": 50 },
      "parameterization": { "type": "ddpm-eps" },
      "training": { "steps": 4000, "batch_size": 32, "log_every": 50, "checkpoint_every": 5000, "warmup_steps": 20, "lr_schedule": "cosine" },
      "sampling": []
    }
    """;

    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("ctrlc-").FullName;
        File.WriteAllText(Path.Combine(_dir, "e.json"), Experiment);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void Train_Sigint_CheckpointAtTheCurrentStepExit130InterruptedAndResumeEndsBitIdentical()
    {
        // The reference: uninterrupted, in a child process too; its stdout is the result line only.
        var reference = Run("train", "e.json", "--runs-dir", "ref");
        Assert.That(reference.Exit, Is.EqualTo(0), reference.Err);
        Assert.That(reference.Out.Trim(), Does.Match(@"^Trained ctrlc to step 4000: \S+$"), "stdout holds the result only");
        Assert.That(reference.Err, Does.Contain("INF] Run ctrlc in").And.Contain("ctrlc: 4,000/4,000 (100 %)"), "logs and progress lines on stderr");
        var refRun = Directory.GetDirectories(Path.Combine(_dir, "ref")).Single();

        using var p = Start("train", "e.json", "--runs-dir", "runs");
        var err = new System.Text.StringBuilder();
        var stdout = new System.Text.StringBuilder();
        long lastStep = 0;
        p.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (err) err.AppendLine(e.Data);
        };
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        p.BeginErrorReadLine();
        p.BeginOutputReadLine();
        // Training has begun once metrics.jsonl has a line (step 50); the signal then falls between checkpoints.
        var runs = Path.Combine(_dir, "runs");
        string? run = null;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromMinutes(2) && !p.HasExited)
        {
            run ??= Directory.Exists(runs) ? Directory.GetDirectories(runs).SingleOrDefault() : null;
            var metrics = run is null ? null : Path.Combine(run, "metrics.jsonl");
            if (metrics is not null && File.Exists(metrics) && new FileInfo(metrics).Length > 0) break;
            Thread.Sleep(20);
        }
        Assert.That(p.HasExited, Is.False, "still training when signalled: " + err);
        using (var kill = Process.Start("kill", ["-" + InterruptSignal.Name, p.Id.ToString()])) kill.WaitForExit();
        Assert.That(p.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "SIGINT ends the process");
        p.WaitForExit();
        Assert.That(p.ExitCode, Is.EqualTo(130), err.ToString());
        Assert.That(err.ToString(), Does.Contain("interrupted by SIG" + InterruptSignal.Name));
        Assert.That(stdout.ToString(), Is.Empty, "no result, no log line on stdout");

        var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(run!, "run.json"))).RootElement;
        Assert.That(record.GetProperty("status").GetString(), Is.EqualTo("interrupted"));
        var latest = Path.Combine(run!, "checkpoints", "latest.safetensors");
        Assert.That(File.Exists(latest), Is.True, "a checkpoint at the step the signal came");
        lastStep = long.Parse(Research.Training.Runs.Checkpoint.ReadMetadata(latest)["step"]);
        Assert.That(lastStep, Is.GreaterThanOrEqualTo(50).And.LessThan(4000), "interrupted mid-run (checkpoint_every is 5000)");
        Assert.That(File.ReadAllText(Path.Combine(run!, "log.txt")), Does.Contain($"Interrupted: checkpoint written at step {lastStep}"));

        var resumed = Run("train", "--resume", run!);
        Assert.That(resumed.Exit, Is.EqualTo(0), resumed.Err);
        var (a, ma) = SafeTensors.Read(Path.Combine(refRun, "checkpoints", "latest.safetensors"));
        var (b, mb) = SafeTensors.Read(latest);
        try
        {
            Assert.That(mb["step"], Is.EqualTo(ma["step"]));
            Assert.That(b.Keys, Is.EquivalentTo(a.Keys));
            foreach (var k in a.Keys.Where(k => !k.StartsWith("rng.", StringComparison.Ordinal)))
                Assert.That(a[k].eq(b[k]).all().item<bool>(), Is.True, k);
        }
        finally
        {
            foreach (var t in a.Values.Concat(b.Values)) t.Dispose();
        }
    }

    [Test]
    public void Train_UnderAPseudoTerminal_ABarWithinTwoSecondsOfTrainingAndTheCursorRestored()
    {
        if (SelfPath("script") is null) Assert.Inconclusive("util-linux 'script' is not installed");
        var exe = Path.Combine(TestContext.CurrentContext.TestDirectory, "research.dll");
        var psi = new ProcessStartInfo("script", ["-qfec", $"dotnet '{exe}' train e.json --runs-dir pty --set training.steps=300", "/dev/null"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir,
        };
        psi.Environment.Remove("CI");
        using var p = Process.Start(psi)!;
        var seen = new System.Text.StringBuilder();
        double? firstLog = null, firstBar = null;
        var sw = Stopwatch.StartNew();
        var buffer = new char[4096];
        var reader = p.StandardOutput;
        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            seen.Append(buffer, 0, n);
            var text = seen.ToString();
            if (firstLog is null && text.Contains("INF] Run ctrlc in")) firstLog = sw.Elapsed.TotalSeconds;
            if (firstBar is null && text.Contains("/300 (")) firstBar = sw.Elapsed.TotalSeconds;
        }
        p.WaitForExit();
        var all = seen.ToString();
        Assert.That(p.ExitCode, Is.EqualTo(0), all);
        Assert.That(firstLog, Is.Not.Null, all);
        Assert.That(firstBar, Is.Not.Null, all);
        TestContext.Out.WriteLine($"first log line {firstLog:F1} s, first bar {firstBar:F1} s after the start");
        Assert.That(firstBar!.Value - firstLog!.Value, Is.LessThan(2), "the bar shows within 2 s of the run starting");
        Assert.That(all, Does.Contain("\u001b[?25l").And.Contain("300/300 (100 %)"));
        Assert.That(all.LastIndexOf("\u001b[?25h", StringComparison.Ordinal), Is.GreaterThan(all.LastIndexOf("\u001b[?25l", StringComparison.Ordinal)),
            "the cursor is shown again at the end");
        var steps = all.Split('\r').Select(f => System.Text.RegularExpressions.Regex.Match(f, @" (\d+)/300 \(")).Where(m => m.Success)
            .Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.That(steps.Any(s => s % 50 != 0), Is.True, "the bar moves between logging intervals (log_every 50): " + string.Join(",", steps));
    }

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var p = Start(args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private Process Start(params string[] args) => Cli.Start(args, _dir);

    private static string? SelfPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}
