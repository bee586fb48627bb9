using System.Text.Json;
using Research.Core.Runtime;
using Research.Training.Experiments;
using Research.Training.Loop;
using Research.UnitTests.Contracts;

namespace Research.UnitTests.Training;

/// <summary>
/// <c>run.json</c> records how a run's process ended: completed, or failed with the error, which also goes to the run's
/// <c>log.txt</c>; and it names the binary's build commit, never the commit of the folder the process runs in.
/// </summary>
public sealed class RunRecordTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("runrecord-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private ExperimentRunner Runner(Action<TrainingSession>? beforeStep = null) =>
        new(TestExperiments.Registry, new RunnerSettings
        {
            RunsDir = _dir, DataRoot = _dir, BeforeStep = beforeStep, CommandLine = ["research", "train", "x.json", "--set", "training.steps=8"],
        }, TextWriter.Null);

    private JsonElement RunJson() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory.GetDirectories(_dir).Single(), "run.json"))).RootElement;

    [Test]
    public void Train_ErrorMidRun_RunJsonFailedWithTheErrorAndLogTxtHoldsItWithItsStack()
    {
        Action<TrainingSession> failAt3 = s => { if (s.Step == 3) throw new InvalidOperationException("boom at step 3"); };
        Assert.Throws<InvalidOperationException>(() => Runner(failAt3).Train(TestExperiments.Tiny("ddpm-eps", 0, "training.steps=8")));

        var json = RunJson();
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("failed"));
        Assert.That(json.GetProperty("error").GetString(), Is.EqualTo("InvalidOperationException: boom at step 3"));
        Assert.That(json.GetProperty("ended_utc").GetDateTime(), Is.GreaterThanOrEqualTo(json.GetProperty("started_utc").GetDateTime()));
        var log = File.ReadAllText(Path.Combine(Directory.GetDirectories(_dir).Single(), "log.txt"));
        Assert.That(log, Does.Contain("[FTL] Run failed: InvalidOperationException: boom at step 3").And.Contain("System.InvalidOperationException: boom at step 3")
            .And.Contain(" at "), "the error and its stack");
    }

    [Test]
    public void TrainThen_ErrorAfterTraining_RunJsonFailed()
    {
        Assert.Throws<IOException>(() => Runner().TrainThen<int>(TestExperiments.Tiny("ddpm-eps", 0, "training.steps=4"),
            (_, _) => throw new IOException("disk full while evaluating")));
        Assert.That(RunJson().GetProperty("status").GetString(), Is.EqualTo("failed"));
        Assert.That(RunJson().GetProperty("error").GetString(), Does.Contain("disk full while evaluating"));
    }

    [Test]
    public void TrainThen_Success_RunJsonCompletedWithTheProgramAndTheCommandLine()
    {
        Assert.That(Runner().TrainThen(TestExperiments.Tiny("ddpm-eps", 0, "training.steps=4"), (s, _) => s.Step), Is.EqualTo(4));
        var json = RunJson();
        Assert.That(json.GetProperty("status").GetString(), Is.EqualTo("completed"));
        Assert.That(json.TryGetProperty("error", out _), Is.False);
        Assert.That(json.GetProperty("commit").GetString(), Is.EqualTo(BuildInfo.Commit));
        Assert.That(json.GetProperty("command_line").EnumerateArray().Select(e => e.GetString()), Does.Contain("training.steps=8"));
        Assert.That(json.GetProperty("device").GetString(), Is.EqualTo("cpu"));
        Assert.That(json.GetProperty("libtorch").GetString(), Is.EqualTo(TorchSharp.torch.__version__));
    }

    [Test]
    public void BuildInfo_Commit_IsTheFullHashStampedAtBuildTimeOrUnknown()
    {
        // The build stamps the commit of the sources (build/BuildInfo.targets); this test's sources are a git checkout
        // when .git exists beside Research.sln.
        var root = TestContext.CurrentContext.TestDirectory;
        while (root is not null && !File.Exists(Path.Combine(root, "Research.sln"))) root = Path.GetDirectoryName(root);
        bool checkout = root is not null && Path.Exists(Path.Combine(root, ".git"));
        if (checkout) Assert.That(BuildInfo.Commit, Does.Match("^[0-9a-f]{40}$"));
        else Assert.That(BuildInfo.Commit, Is.EqualTo(BuildInfo.Unknown));
        Assert.That(BuildInfo.Describe(), Does.Contain(BuildInfo.Commit[..Math.Min(12, BuildInfo.Commit.Length)]));
    }
}
