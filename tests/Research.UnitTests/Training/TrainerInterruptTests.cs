using System.Runtime.InteropServices;
using System.Text.Json;
using Research.Training.Experiments;
using Research.Training.Loop;
using Research.Training.Progress;
using Research.Training.Runs;
using Research.UnitTests.Contracts;

namespace Research.UnitTests.Training;

/// <summary>
/// A signal stops training after the current step with a checkpoint at it, the run is recorded interrupted, and a resume
/// ends with the weights of a run never interrupted; the progress display starts again after a retry and keeps moving.
/// </summary>
[NonParallelizable]   // a signal handler for the test host's process
public sealed class TrainerInterruptTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("interrupt-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    /// <summary>Records what the loop tells its display.</summary>
    private sealed class RecordingProgress : IProgressSink
    {
        public List<(long Total, long Done)> Starts { get; } = [];
        public List<long> Advances { get; } = [];
        public int Pauses { get; private set; }
        public int Stops { get; private set; }
        public void Start(string label, long total, long done = 0) => Starts.Add((total, done));
        public void Advance(long done) => Advances.Add(done);
        public void Note(string text) { }
        public void Pause(string what) => Pauses++;
        public void Resume() { }
        public void Stop() => Stops++;
    }

    private ExperimentRunner Runner(Action<TrainingSession>? beforeStep = null, Interruption? interruption = null, IProgressSink? progress = null) =>
        new(TestExperiments.Registry, new RunnerSettings
        {
            RunsDir = _dir, DataRoot = _dir, BeforeStep = beforeStep, Interruption = interruption,
            NewProgress = progress is null ? () => IProgressSink.None : () => progress,
        }, TextWriter.Null);

    [TestCase("ddgan")]
    [TestCase("ddpm-eps")]
    public void Train_SignalMidRun_CheckpointAtTheCurrentStepInterruptedAndResumeReachesTheSameWeights(string family)
    {
        string[] sets = ["training.steps=30", "training.checkpoint_every=10"];
        var (a, fa) = Runner().Train(TestExperiments.Tiny(family, 4, sets));
        using var reference = a;
        fa.Dispose();

        using var interruption = Interruption.Install();
        using (interruption.Cooperate())
        {
            // The signal arrives while step 13 runs: that step ends, a checkpoint is written at 14 (not a multiple of 10).
            Action<TrainingSession> signalAt13 = s => { if (s.Step == 13) interruption.OnSignal("SIGINT"); };
            Assert.Throws<OperationCanceledException>(() => Runner(signalAt13, interruption).Train(TestExperiments.Tiny(family, 4, sets)));
        }
        var run = Directory.GetDirectories(_dir).Single(d => d != fa.Path);
        var latest = Path.Combine(run, "checkpoints", CheckpointFiles.LatestName);
        Assert.That(Checkpoint.ReadMetadata(latest)["step"], Is.EqualTo("14"));
        var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, RunRecord.FileName))).RootElement;
        Assert.That(record.GetProperty("status").GetString(), Is.EqualTo("interrupted"));
        Assert.That(record.GetProperty("error").GetString(), Is.EqualTo("interrupted by SIGINT"));

        var resumed = Runner().TrainThen(TestExperiments.Tiny(family, 4, sets), (session, folder) =>
        {
            foreach (var (name, net) in session.Parameterization.Networks)
            {
                var expected = a.Parameterization.Networks[name].named_parameters().ToDictionary(p => p.name, p => p.parameter);
                foreach (var (pname, p) in net.named_parameters())
                    Assert.That(TestTensors.AreIdentical(p, expected[pname]), Is.True, $"{name}.{pname}");
            }
            return session.Step;
        }, resumeFrom: run);
        Assert.That(resumed, Is.EqualTo(30));
    }

    [Test]
    public void Train_TransientErrorRetried_TheDisplayStartsAgainFromTheCheckpointAndMovesToTheEnd()
    {
        bool failed = false;
        Action<TrainingSession> failAt25 = s =>
        {
            if (s.Step != 25 || failed) return;
            failed = true;
            throw new ExternalException("Unknown scalar type\nException raised from type at /pytorch/c10/core/Scalar.h:339 (most recent call first):");
        };
        var progress = new RecordingProgress();
        var (s, f) = Runner(failAt25, progress: progress).Train(TestExperiments.Tiny("ddpm-eps", 0, "training.steps=30", "training.checkpoint_every=10"));
        using (s) using (f) { }
        Assert.That(progress.Starts, Is.EqualTo(new[] { (30L, 0L), (30L, 20L) }), "a fresh start at the retry's checkpoint");
        Assert.That(progress.Stops, Is.EqualTo(2));
        int restart = progress.Advances.IndexOf(25);
        Assert.That(progress.Advances.Take(restart + 1), Is.EqualTo(Enumerable.Range(1, 25).Select(i => (long)i)));
        Assert.That(progress.Advances.Skip(restart + 1), Is.EqualTo(Enumerable.Range(21, 10).Select(i => (long)i)), "every step after the retry");
    }
}
