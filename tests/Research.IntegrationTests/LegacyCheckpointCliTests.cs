using System.Text;
using Research.Core.IO;
using Research.Training.Runs;

namespace Research.IntegrationTests;

/// <summary>
/// Checkpoints of format 1 (<see cref="Checkpoint.LegacyFormat"/>: each optimizer state base64-encoded in the header), written
/// by the code before format 2: tests/data/checkpoints/format1 holds a 4-step run's step-2 checkpoint and the same run's
/// uninterrupted step-4 checkpoint (see its README). They still resume bit-exactly, and a resume rewrites them in format 2.
/// </summary>
[NonParallelizable]
public class LegacyCheckpointCliTests
{
    private static readonly string Fixture = Path.Combine(Cli.RepoRoot, "tests", "data", "checkpoints", "format1");

    private string _dir = "";
    private string _run = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("format1-").FullName;
        _run = Path.Combine(_dir, "run");
        CorruptCheckpointCliTests.CopyTree(Path.Combine(Fixture, "checkpoints"), Path.Combine(_run, "checkpoints"));
        File.Copy(Path.Combine(Fixture, "resolved.json"), Path.Combine(_run, "resolved.json"));
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void Format1Checkpoint_ResumesBitExactlyToTheUninterruptedRun_AndIsRewrittenInFormat2()
    {
        var latest = Path.Combine(_run, "checkpoints", CheckpointFiles.LatestName);
        Assert.That(HeaderText(latest), Does.Contain($"\"format\":\"{Checkpoint.LegacyFormat}\"").And.Contain("\"optimizer.denoiser\":\"BEFkYW"),
            "the fixture is format 1: the optimizer state base64 in the header");

        var (exit, _, err) = Cli.Run("train", "--resume", _run);
        Assert.That(exit, Is.EqualTo(0), err);

        using var expected = SafeTensorsFile.Open(Path.Combine(Fixture, "uninterrupted-step-4.safetensors"));
        using var resumed = SafeTensorsFile.Open(latest);
        Assert.That(resumed.Layout.Metadata["format"], Is.EqualTo(Checkpoint.Format));
        Assert.That(resumed.Layout.Metadata["step"], Is.EqualTo("4").And.EqualTo(expected.Layout.Metadata["step"]));
        foreach (var e in expected.Layout.Entries)                        // weights, EMA, generator states
            Assert.That(resumed.ReadBytes(resumed.Layout.Find(e.Name)!), Is.EqualTo(expected.ReadBytes(e)), e.Name);
        var parameters = resumed.Layout.Entries.Select(e => e.Name)
            .Where(n => n.StartsWith("optim.denoiser.", StringComparison.Ordinal) && n.EndsWith(".exp_avg", StringComparison.Ordinal))
            .Select(n => n["optim.denoiser.".Length..^".exp_avg".Length]).ToList();
        Assert.That(parameters, Is.Not.Empty);
        Assert.That(CheckpointOptimizer.Binary(resumed, "denoiser", parameters), Is.EqualTo(CheckpointOptimizer.Binary(expected, "denoiser", parameters)),
            "the optimizer state (moments, steps, options) of the uninterrupted run");
    }

    [Test]
    public void Format1Checkpoint_WithAGarbledOptimizerState_IsRefusedNamingTheKey_NothingWritten()
    {
        var latest = Path.Combine(_run, "checkpoints", CheckpointFiles.LatestName);
        CorruptCheckpointCliTests.Rewrite(latest, (_, m) =>
        {
            var state = Convert.FromBase64String(m["optimizer.denoiser"]);
            m["optimizer.denoiser"] = Convert.ToBase64String(state[..(state.Length / 2)]);
            return "";
        });
        var before = CorruptCheckpointCliTests.Snapshot(_dir);

        foreach (var args in new[] { new[] { "train", "--resume", _run }, ["eval", _run] })
        {
            var (exit, _, err) = Cli.Run(args);
            Assert.That(exit, Is.EqualTo(2), err);
            Assert.That(err, Does.Contain(latest).And.Contain("optimizer.denoiser").And.Contain("garbled optimizer state").And.Contain("byte "));
        }
        Assert.That(CorruptCheckpointCliTests.Snapshot(_dir), Is.EqualTo(before));
    }

    private static string HeaderText(string path)
    {
        using var f = File.OpenRead(path);
        var prefix = new byte[8];
        f.ReadExactly(prefix);
        var header = new byte[BitConverter.ToInt64(prefix)];
        f.ReadExactly(header);
        return Encoding.UTF8.GetString(header);
    }
}
