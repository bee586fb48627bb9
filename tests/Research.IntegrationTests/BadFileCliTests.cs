using System.Diagnostics;
using System.Security.Cryptography;
using Research.Core.IO;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.IntegrationTests;

/// <summary>
/// Files that go bad under a run: a run folder that cannot be created, a disk that fills up, a read-only checkpoint folder,
/// a truncated or wrong-shaped checkpoint given to <c>research train --resume</c> and <c>research eval</c>. Each gives a clear
/// error naming the file, a non-zero exit (2 when the input is at fault), and leaves every good checkpoint byte-identical.
/// The tests run as root here, so permissions (chmod) stop nothing: they use a path below a regular file, tmpfs and
/// read-only bind mounts (skipped where <c>mount</c> is not permitted), and <c>/dev/full</c>.
/// </summary>
[NonParallelizable]
public class BadFileCliTests
{
    private const string Experiment = """
    {
      "name": "badfiles",
      "device": "cpu",
      "threads": 1,
      "data": { "type": "gaussian-grid", "options": { "num_per_mode": 20 } },
      "backbone": { "type": "mlp", "options": { "hidden_dim": 32, "num_layers": 2, "time_embed_dim": 16 } },
      "schedule": { "type": "linear", "num_timesteps": 100 },
      "parameterization": { "type": "ddpm-eps" },
      "training": { "steps": 4, "batch_size": 16, "log_every": 2, "checkpoint_every": 2, "keep_checkpoint_every": 2 },
      "sampling": [ { "label": "4 steps", "steps": "4", "num_samples": 16 } ],
      "evaluation": { "mmd_points": 50, "plot": false }
    }
    """;

    private string _dir = "";
    private string _experiment = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("badfiles-").FullName;
        _experiment = Path.Combine(_dir, "e.json");
        File.WriteAllText(_experiment, Experiment);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    // A trained run (4 steps: checkpoints step-00000002, step-00000004 and latest) in a fresh runs folder.
    private string TrainedRun(string? runsDir = null)
    {
        var runs = runsDir ?? Path.Combine(_dir, "runs");
        var (exit, _, err) = Cli.Run("train", _experiment, "--runs-dir", runs);
        Assert.That(exit, Is.EqualTo(0), err);
        return Directory.GetDirectories(runs).Single();
    }

    private static string Checkpoints(string run) => Path.Combine(run, "checkpoints");

    private static string Latest(string run) => Path.Combine(Checkpoints(run), "latest.safetensors");

    // SHA-256 of every file in the run's checkpoint folder, by name.
    private static Dictionary<string, string> Hashes(string run) =>
        Directory.GetFiles(Checkpoints(run)).ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Test]
    public void Train_RunsDirBelowARegularFile_ExitCode2NamesThePathWritesNothing()
    {
        var file = Path.Combine(_dir, "not-a-folder");
        File.WriteAllText(file, "a regular file");
        var (exit, _, err) = Cli.Run("train", _experiment, "--runs-dir", Path.Combine(file, "runs"));
        TestContext.Out.WriteLine(err);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(file).And.Contain("cannot create the run folder"));
        Assert.That(File.ReadAllText(file), Is.EqualTo("a regular file"));
    }

    [Test]
    public void Resume_TruncatedLatestCheckpoint_ExitCode2NamesFileAndKeepsEveryCheckpoint()
    {
        var run = TrainedRun();
        var latest = Latest(run);
        var bytes = File.ReadAllBytes(latest);
        File.WriteAllBytes(latest, bytes[..(bytes.Length / 2)]);
        var before = Hashes(run);

        var (exit, _, err) = Cli.Run("train", "--resume", run, "--set", "training.steps=6");
        TestContext.Out.WriteLine(err);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(latest).And.Contain("truncated"));
        Assert.That(Hashes(run), Is.EqualTo(before), "no checkpoint may be rewritten or removed");
    }

    [Test]
    public void Eval_TruncatedCheckpoint_ExitCode2NamesFileAndKeepsEveryCheckpoint()
    {
        var run = TrainedRun();
        var latest = Latest(run);
        var bytes = File.ReadAllBytes(latest);
        File.WriteAllBytes(latest, bytes[..(bytes.Length - 100)]);
        var before = Hashes(run);

        var (exit, _, err) = Cli.Run("eval", run);
        TestContext.Out.WriteLine(err);
        Assert.That(exit, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain(latest));
        Assert.That(Hashes(run), Is.EqualTo(before));
    }

    [Test]
    public void ResumeAndEval_WrongShapeTensor_ExitCode2NamesFileAndTensorAndKeepsEveryCheckpoint()
    {
        var run = TrainedRun();
        var latest = Latest(run);
        // Same metadata (so the same resolved configuration), one weight replaced by a tensor of another shape.
        var (tensors, meta) = SafeTensors.Read(latest);
        try
        {
            var key = tensors.Keys.First(k => k.StartsWith("net.denoiser.", StringComparison.Ordinal) && tensors[k].dim() == 2);
            var wrong = zeros([tensors[key].shape[0] + 1, tensors[key].shape[1]]);
            tensors[key].Dispose();
            tensors[key] = wrong;
            AtomicFile.Write(latest, s => SafeTensors.Write(s, tensors, meta, checksum: true));
            var before = Hashes(run);

            var (exit, _, err) = Cli.Run("train", "--resume", run, "--set", "training.steps=6");
            TestContext.Out.WriteLine(err);
            Assert.That(exit, Is.EqualTo(2), err);
            Assert.That(err, Does.Contain(latest).And.Contain(key).And.Contain("shape"));
            Assert.That(Hashes(run), Is.EqualTo(before));

            (exit, _, err) = Cli.Run("eval", run);
            TestContext.Out.WriteLine(err);
            Assert.That(exit, Is.EqualTo(2), err);
            Assert.That(err, Does.Contain(latest).And.Contain(key));
            Assert.That(Hashes(run), Is.EqualTo(before));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    [Test]
    public void Resume_MetricsFileOnDevFull_ExitCode1NamesFileAndKeepsCheckpoint()
    {
        if (!File.Exists("/dev/full")) Assert.Ignore("no /dev/full on this system");
        var run = TrainedRun();
        var metrics = Path.Combine(run, "metrics.jsonl");
        File.Delete(metrics);
        File.CreateSymbolicLink(metrics, "/dev/full");   // every write to it fails with ENOSPC, as on a full disk
        var before = Hashes(run);

        var (exit, _, err) = Cli.Run("train", "--resume", run, "--set", "training.steps=8");
        TestContext.Out.WriteLine(err);
        Assert.That(exit, Is.EqualTo(1), err);
        Assert.That(err, Does.Contain(metrics).Or.Contain("/dev/full"));
        Assert.That(err, Does.Contain("space").IgnoreCase);
        NoStackTrace(err);
        Assert.That(Hashes(run), Is.EqualTo(before));
    }

    // Free space left on the file system: none (the first write fails: resolved.json), or 48 KiB (the small files fit, the
    // next ~130 KB checkpoint does not).
    [TestCase(0, "resolved.json")]
    [TestCase(48 * 1024, "latest.safetensors")]
    public void Resume_DiskFull_ExitCode1NamesFileKeepsCheckpointAndConfigNoTempFile(int freeBytes, string failingFile)
    {
        var mount = Path.Combine(_dir, "tiny");
        Directory.CreateDirectory(mount);
        if (!Tool("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount)) Assert.Ignore("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)");
        try
        {
            var run = TrainedRun(Path.Combine(mount, "runs"));
            // Fill the file system: the next metrics line may still fit in a page already allocated, the next checkpoint cannot.
            Fill(mount, freeBytes);
            var before = Hashes(run);
            var resolved = File.ReadAllText(Path.Combine(run, "resolved.json"));

            var (exit, _, err) = Cli.Run("train", "--resume", run, "--set", "training.steps=8");
            TestContext.Out.WriteLine(err);
            Assert.That(exit, Is.EqualTo(1), err);
            Assert.That(err, Does.Contain(run).And.Contain(failingFile).And.Contain("space").IgnoreCase);
            NoStackTrace(err);
            Assert.That(Hashes(run), Is.EqualTo(before), "the last good checkpoint must survive a full disk");
            // resolved.json is rewritten (with the --set) before training, atomically: old or new, never torn.
            var after = File.ReadAllText(Path.Combine(run, "resolved.json"));
            if (freeBytes == 0) Assert.That(after, Is.EqualTo(resolved));
            else Assert.DoesNotThrow(() => System.Text.Json.JsonDocument.Parse(after).Dispose());
            Assert.That(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories), Is.Empty, "a failed write must not leave its temporary file");
        }
        finally
        {
            Tool("umount", mount);
        }
    }

    [Test]
    public void Resume_ReadOnlyCheckpointFolder_ExitCode1NamesFileAndKeepsCheckpoint()
    {
        var run = TrainedRun();
        var checkpoints = Checkpoints(run);
        if (!Tool("mount", "--bind", checkpoints, checkpoints)) Assert.Ignore("cannot bind-mount here (needs root and CAP_SYS_ADMIN)");
        try
        {
            Assert.That(Tool("mount", "-o", "remount,bind,ro", checkpoints), Is.True, "remount read-only");
            var before = Hashes(run);

            var (exit, _, err) = Cli.Run("train", "--resume", run, "--set", "training.steps=8");
            TestContext.Out.WriteLine(err);
            Assert.That(exit, Is.EqualTo(1), err);
            Assert.That(err, Does.Contain(checkpoints).And.Contain("Read-only").IgnoreCase);
            NoStackTrace(err);
            Assert.That(Hashes(run), Is.EqualTo(before));
        }
        finally
        {
            Tool("umount", checkpoints);
        }
    }

    // An I/O fault is one line naming the path and the cause (exit 1); --debug adds the stack trace. The run folder is
    // bind-mounted read-only (tables and samples are replaced atomically, so a symbolic link in their place is replaced,
    // not written through: a read-only mount is the fault a user meets).
    [TestCase(false)]
    [TestCase(true)]
    public void Eval_ReadOnlyRunFolder_ExitCode1OneLineNamingPathAndCause_StackTraceOnlyWithDebug(bool debug)
    {
        var run = TrainedRun();
        if (!Tool("mount", "--bind", run, run)) Assert.Ignore("cannot bind-mount here (needs root and CAP_SYS_ADMIN)");
        try
        {
            Assert.That(Tool("mount", "-o", "remount,bind,ro", run), Is.True, "remount read-only");
            var before = Hashes(run);

            var (exit, _, err) = debug ? Cli.Run("eval", run, "--debug") : Cli.Run("eval", run);
            TestContext.Out.WriteLine(err);
            Assert.That(exit, Is.EqualTo(1), err);
            Assert.That(err, Does.Contain(run).And.Contain("Read-only").IgnoreCase);
            if (debug) Assert.That(err, Does.Contain("   at "), "--debug shows where it happened");
            else
            {
                NoStackTrace(err);
                Assert.That(err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.StartsWith("error:", StringComparison.Ordinal)), Is.EqualTo(1));
            }
            Assert.That(Hashes(run), Is.EqualTo(before));
        }
        finally
        {
            Tool("umount", run);
        }
    }

    [Test]
    public void Eval_FullDisk_ExitCode1OneLineNamingPathAndCause()
    {
        var mount = Path.Combine(_dir, "tiny");
        Directory.CreateDirectory(mount);
        if (!Tool("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount)) Assert.Ignore("cannot mount a tmpfs here (needs root and CAP_SYS_ADMIN)");
        try
        {
            var run = TrainedRun(Path.Combine(mount, "runs"));
            Fill(mount, freeBytes: 0);
            var before = Hashes(run);

            var (exit, _, err) = Cli.Run("eval", run);
            TestContext.Out.WriteLine(err);
            Assert.That(exit, Is.EqualTo(1), err);
            Assert.That(err, Does.Contain(run).And.Contain("space").IgnoreCase);
            NoStackTrace(err);
            Assert.That(Hashes(run), Is.EqualTo(before), "the checkpoints stay as they were");
            Assert.That(Directory.GetFiles(run, "*.tmp", SearchOption.AllDirectories), Is.Empty, "a failed write must not leave its temporary file");
        }
        finally
        {
            Tool("umount", mount);
        }
    }

    // Fills the file system mounted at mount with one file, then frees freeBytes of it.
    private static void Fill(string mount, int freeBytes)
    {
        using var filler = new FileStream(Path.Combine(mount, "filler"), FileMode.Create);
        var block = new byte[4096];
        try
        {
            while (true) filler.Write(block);
        }
        catch (IOException)
        {
        }
        filler.SetLength(Math.Max(0, filler.Length - freeBytes));
    }

    // No managed frames ("   at Namespace.Type.Method") and no native libtorch frames ("frame #0").
    private static void NoStackTrace(string err)
    {
        Assert.That(err, Does.Not.Contain("   at "), "no .NET stack trace without --debug");
        Assert.That(err, Does.Not.Contain("frame #"), "no libtorch stack trace without --debug");
    }

    // Runs mount or umount with the arguments; true on exit code 0.
    private static bool Tool(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
