using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using Research.Core.Runtime;

namespace Research.IntegrationTests;

/// <summary>
/// <c>run.json</c> says which program produced a run, however it was started: the built CLI run from a folder outside any
/// git repository records the commit the binary was built from, the command line, the experiment file and its SHA-256, the
/// runtime, and how the process ended (completed, or interrupted by SIGTERM).
/// </summary>
[NonParallelizable]
public class RunProvenanceCliTests
{
    private const string Experiment = """
    {
      "name": "prov", "device": "cpu", "threads": 1,
      "data": { "type": "gaussian-grid", "options": { "num_per_mode": 40 } },
      "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
      "schedule": { "type": "linear", "num_timesteps": 50 },
      "parameterization": { "type": "ddpm-eps" },
      "training": { "steps": 40, "batch_size": 32, "log_every": 10, "checkpoint_every": 20, "lr_schedule": "constant" },
      "sampling": [ { "label": "full", "num_samples": 100 } ],
      "evaluation": { "mmd_points": 50, "plot": false }
    }
    """;

    private string _dir = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("provenance-").FullName;
        File.WriteAllText(Path.Combine(_dir, "e.json"), Experiment);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void Run_BuiltCliStartedOutsideAnyGitRepository_RunJsonNamesTheCommitTheBinaryWasBuiltFrom()
    {
        var (insideGit, _) = Git(_dir, "rev-parse", "HEAD");
        Assert.That(insideGit, Is.False, $"{_dir} must lie outside any git repository for this test");
        var (ok, _) = Git(Cli.RepoRoot, "rev-parse", "HEAD");
        if (!ok) Assert.Inconclusive("the sources are not a git checkout: the binary's commit is 'unknown' by design");
        // The binary's commit is a commit of this repository (HEAD when built; a commit made since then does not change it).
        Assert.That(BuildInfo.Commit, Does.Match("^[0-9a-f]{40}$"));
        Assert.That(Git(Cli.RepoRoot, "cat-file", "-e", BuildInfo.Commit + "^{commit}").Ok, Is.True, $"{BuildInfo.Commit} is a commit of {Cli.RepoRoot}");

        using var p = Start(_dir, "run", "e.json", "--runs-dir", "runs", "--set", "training.steps=30", "--set", "sampling[0].num_samples=50");
        Assert.That(p.WaitForExit(TimeSpan.FromMinutes(3)), Is.True, "the tiny run ends");
        Assert.That(p.ExitCode, Is.EqualTo(0), p.StandardError.ReadToEnd());

        var run = Directory.GetDirectories(Directory.GetDirectories(Path.Combine(_dir, "runs")).Single()).Single();
        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "run.json"))).RootElement;
        Assert.That(json.GetProperty("commit").GetString(), Is.EqualTo(BuildInfo.Commit), "the binary's commit, full");
        Assert.That(json.GetProperty("commit_dirty").ValueKind, Is.AnyOf(JsonValueKind.True, JsonValueKind.False));
        Assert.That(json.GetProperty("command_line").EnumerateArray().Select(a => a.GetString()),
            Is.EqualTo(new[] { "research", "run", "e.json", "--runs-dir", "runs", "--set", "training.steps=30", "--set", "sampling[0].num_samples=50" }));
        var file = Path.Combine(_dir, "e.json");
        Assert.That(json.GetProperty("experiment_file").GetString(), Is.EqualTo(file));
        Assert.That(json.GetProperty("experiment_sha256").GetString(), Is.EqualTo(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))));
        Assert.That(json.GetProperty("torchsharp").GetString(), Does.StartWith("0."));
        Assert.That(json.GetProperty("libtorch").GetString(), Does.Match(@"^\d+\.\d+"));
        Assert.That(json.GetProperty("device").GetString(), Is.EqualTo("cpu"));
        Assert.That(json.GetProperty("threads").GetInt32(), Is.EqualTo(1));
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("completed"));
        var started = json.GetProperty("started_utc").GetDateTime();
        Assert.That(json.GetProperty("ended_utc").GetDateTime(), Is.GreaterThanOrEqualTo(started));
        Assert.That(json.TryGetProperty("error", out _), Is.False);
    }

    [Test]
    public void Train_Sigterm_RunJsonSaysInterruptedAndLogTxtToo_ThenAResumeRecordsItselfAndKeepsTheEarlierProcess()
    {
        using var p = Start(_dir, "train", "e.json", "--runs-dir", "runs", "--set", "training.steps=1000000", "--set", "training.checkpoint_every=10");
        var runs = Path.Combine(_dir, "runs");
        string? run = null;
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < TimeSpan.FromMinutes(2) && !p.HasExited)
        {
            run ??= Directory.Exists(runs) ? Directory.GetDirectories(runs).SingleOrDefault() : null;
            if (run is not null && File.Exists(Path.Combine(run, "checkpoints", "latest.safetensors"))) break;
            Thread.Sleep(50);
        }
        Assert.That(p.HasExited, Is.False, "training runs: " + (p.HasExited ? p.StandardError.ReadToEnd() : ""));
        Assert.That(run, Is.Not.Null);
        using (var kill = Process.Start("kill", ["-TERM", p.Id.ToString()])) kill.WaitForExit();
        Assert.That(p.WaitForExit(TimeSpan.FromSeconds(60)), Is.True, "SIGTERM ends the process");

        var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run!, "run.json"))).RootElement;
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("interrupted"));
        Assert.That(json.GetProperty("error").GetString(), Does.Contain("SIGTERM"));
        Assert.That(json.TryGetProperty("ended_utc", out _), Is.True);
        Assert.That(File.ReadAllText(Path.Combine(run!, "log.txt")), Does.Contain("interrupted by SIGTERM"));

        // Resumed (in-process) to a step just past its checkpoint: the record names this process, the earlier one is kept.
        var step = long.Parse(Research.Training.Runs.Checkpoint.ReadMetadata(Path.Combine(run!, "checkpoints", "latest.safetensors"))["step"]);
        var (exit, _, err) = Cli.Run("train", "--resume", run!, "--set", $"training.steps={step + 5}");
        Assert.That(exit, Is.EqualTo(0), err);
        json = JsonDocument.Parse(File.ReadAllText(Path.Combine(run!, "run.json"))).RootElement;
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("completed"));
        Assert.That(json.GetProperty("command_line").EnumerateArray().Select(a => a.GetString()), Does.Contain("--resume").And.Contain($"training.steps={step + 5}"));
        Assert.That(json.GetProperty("experiment_file").GetString(), Is.EqualTo(Path.Combine(run!, "resolved.json")));
        Assert.That(json.TryGetProperty("resumed_utc", out _), Is.True);
        var earlier = json.GetProperty("earlier").EnumerateArray().Single();
        Assert.That(earlier.GetProperty("status").GetString(), Is.EqualTo("interrupted"));
        Assert.That(earlier.GetProperty("command_line").EnumerateArray().Select(a => a.GetString()), Does.Contain("training.steps=1000000"));
    }

    private static Process Start(string workingDirectory, params string[] args)
    {
        // git never looks above the working directory
        var p = Cli.Start(args, workingDirectory, new Dictionary<string, string> { ["GIT_CEILING_DIRECTORIES"] = Path.GetDirectoryName(workingDirectory)! });
        p.OutputDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        return p;
    }

    // (succeeded, trimmed stdout) of git in a folder; (false, "") without git.
    private static (bool Ok, string Output) Git(string folder, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            var output = p.StandardOutput.ReadToEnd().Trim();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode == 0, output);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (false, "");
        }
    }
}
