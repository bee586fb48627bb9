using System.Runtime.InteropServices;
using Research.Core.Runtime;
using Research.Training.Experiments;
using Research.Training.Loop;
using Research.UnitTests.Contracts;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

/// <summary>
/// A run that meets libtorch's transient error on a freed temporary Scalar resumes from its last checkpoint and ends
/// with the weights of an uninterrupted run (docs/toolchain.md); any other error still stops it.
/// </summary>
public sealed class TransientErrorRetryTests
{
    // The three messages seen on this machine (first lines of the ExternalException), and errors that are not this one.
    private const string ToFloat = "Expected false to be true, but got false.  (Could this error message be improved?  If so, please report an enhancement request to PyTorch.)\nException raised from toFloat at /pytorch/c10/core/Scalar.h:140 (most recent call first):";
    private const string UnknownType = "Unknown scalar type\nException raised from type at /pytorch/c10/core/Scalar.h:339 (most recent call first):";
    private const string ToDouble = "Expected false to be true, but got false.\nException raised from toDouble at /pytorch/c10/core/Scalar.h:140 (most recent call first):";

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("retry-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [Test]
    public void Is_TheScalarMessagesAreTransientAndOtherErrorsAreNot()
    {
        Assert.That(TransientNativeError.Is(new ExternalException(ToFloat)), Is.True);
        Assert.That(TransientNativeError.Is(new ExternalException(UnknownType)), Is.True);
        Assert.That(TransientNativeError.Is(new ExternalException(ToDouble)), Is.True);
        Assert.That(TransientNativeError.Is(new ExternalException("mat1 and mat2 shapes cannot be multiplied (16x3 and 2x32)")), Is.False);
        Assert.That(TransientNativeError.Is(new InvalidOperationException(ToFloat)), Is.False, "only libtorch's own exception type");
    }

    private ExperimentRunner Runner(Action<TrainingSession>? beforeStep = null, int retries = 3) =>
        new(TestExperiments.Registry, new RunnerSettings { RunsDir = _dir, DataRoot = _dir, BeforeStep = beforeStep, TransientRetries = retries },
            TextWriter.Null);

    // A real failure comes halfway through a step, after some of it has run. The injected one first does what a half
    // step could have done: it moves every weight and draws from the training generator. Only a resume from the
    // checkpoint (not a retry of the same step on the same session) ends with the uninterrupted run's weights.
    private static Action<TrainingSession> FailOnceAt(long failAt, string message)
    {
        bool failed = false;
        return session =>
        {
            if (session.Step != failAt || failed) return;
            failed = true;
            using (no_grad())
                foreach (var net in session.Parameterization.Networks.Values)
                    foreach (var p in net.parameters()) p.add_(0.01);
            randn([8], generator: session.TrainGenerator).Dispose();
            throw new ExternalException(message);
        };
    }

    // 30 steps, a checkpoint every 10: a failure at step 25 resumes from step 20, one at step 5 starts again from 0.
    [TestCase("ddgan", 25)]
    [TestCase("ddgan", 5)]
    [TestCase("ddpm-eps", 17)]
    public void Train_TransientErrorMidRun_ResumesAndEndsWithTheUninterruptedWeights(string family, long failAt)
    {
        string[] sets = ["training.steps=30", "training.checkpoint_every=10"];
        var (a, fa) = Runner().Train(TestExperiments.Tiny(family, 4, sets));
        var (b, fb) = Runner(FailOnceAt(failAt, ToFloat)).Train(TestExperiments.Tiny(family, 4, sets));
        using (a) using (fa) using (b) using (fb)
        {
            Assert.That(b.Step, Is.EqualTo(30));
            foreach (var (name, net) in a.Parameterization.Networks)
            {
                var other = b.Parameterization.Networks[name].named_parameters().ToDictionary(p => p.name, p => p.parameter);
                foreach (var (pname, p) in net.named_parameters())
                    Assert.That(TestTensors.AreIdentical(p, other[pname]), Is.True, $"{name}.{pname}");
            }
            fb.Dispose();   // flush log.txt
            var log = File.ReadAllText(Path.Combine(fb.Path, "log.txt"));
            Assert.That(log, Does.Contain($"step {failAt}: transient libtorch error"));
            Assert.That(log, Does.Contain(failAt >= 10 ? "Resumed from" : "training starts from step 0"));
            // The steps trained twice are logged once: metrics.jsonl reads as the uninterrupted run's.
            Assert.That(TrainingSteps(fb.Path), Is.EqualTo(TrainingSteps(fa.Path)).And.Ordered.And.Unique);
        }
    }

    [Test]
    public void Train_AnyOtherLibtorchError_StopsTheRun()
    {
        var error = Assert.Throws<ExternalException>(() =>
            Runner(FailOnceAt(3, "mat1 and mat2 shapes cannot be multiplied")).Train(TestExperiments.Tiny("ddpm-eps", 0)));
        Assert.That(error!.Message, Does.Contain("shapes"));
    }

    [Test]
    public void Train_TransientErrorsBeyondTheRetryBudget_StopTheRun()
    {
        int calls = 0;
        Action<TrainingSession> alwaysAt7 = s => { if (s.Step == 7) { calls++; throw new ExternalException(ToDouble); } };
        Assert.Throws<ExternalException>(() => Runner(alwaysAt7, retries: 2).Train(TestExperiments.Tiny("ddpm-eps", 0)));
        Assert.That(calls, Is.EqualTo(3), "the first failure and two retries");
    }

    private static List<long> TrainingSteps(string runFolder) =>
        File.ReadAllLines(Path.Combine(runFolder, "metrics.jsonl"))
            .Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement)
            .Where(e => e.TryGetProperty("steps_per_sec", out _))
            .Select(e => e.GetProperty("step").GetInt64()).ToList();
}
