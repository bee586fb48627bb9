using Research.Core.Adversarial;
using Research.Core.Experiments;
using Research.Core.Parameterizations;
using Research.Core.Sampling;
using Research.Core.Schedules;
using Research.Training.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Core;

/// <summary>
/// A draw stopped between chunks continues from its saved chunks and returns the bits of a draw never stopped
/// (<see cref="ChunkedDraw"/>), through both samplers and through the run folder's partial-samples file.
/// </summary>
public class ChunkedDrawTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("chunks-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    // A deterministic stand-in for an ε-network: any function of (x_t, t) exercises the chain's randomness.
    private static Tensor Eps(Tensor xt, Tensor t, Tensor? _) => xt * 0.1 + t.to_type(float32).unsqueeze(1) * 1e-3;

    private static Tensor DrawEps(NoiseSchedule schedule, Generator g, ISampleChunkStore? store, CancellationToken cancel = default,
        Action<long, long>? progress = null) =>
        EpsSampler.Sample(schedule, Eps, [2], new SampleRequest
        {
            NumSamples = 10, BatchSize = 3, Generator = g, Steps = "20", ClipDenoised = false, Chunks = store, Cancel = cancel, Progress = progress,
        }, CPU, ReverseVariance.FixedLarge);

    private static Tensor DrawUninterrupted(NoiseSchedule schedule)
    {
        using var g = new Generator(7);
        return DrawEps(schedule, g, null);
    }

    [Test]
    public void EpsSampler_StoppedAfterTwoChunks_ResumesBitIdentical()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 100 });
        using var reference = DrawUninterrupted(schedule);

        var store = new MemoryStore();
        using var cts = new CancellationTokenSource();
        // 4 chunks of 20 steps: cancel during the third chunk.
        using (var g = new Generator(7))
            Assert.Throws<OperationCanceledException>(() => DrawEps(schedule, g, store, cts.Token, (done, _) => { if (done == 45) cts.Cancel(); }));
        Assert.That(store.Saved?.ChunksDone, Is.EqualTo(2), "two chunks finished before the stop");
        Assert.That(store.Saved!.Samples.shape, Is.EqualTo(new long[] { 6, 2 }));

        double spentBefore = store.Saved.ElapsedMs;
        // A new generator with the same seed (a new process): the saved state, not the seed, continues the draw.
        using var g2 = new Generator(7);
        using var resumed = DrawEps(schedule, g2, store);
        Assert.That(TestTensors.AreIdentical(resumed, reference), Is.True, "resumed draw differs from the uninterrupted one");
        Assert.That(store.ElapsedBeforeResume, Is.EqualTo(spentBefore), "the time of the chunks drawn before the stop");
    }

    [Test]
    public void GanChainSampler_ResumedFromSavedChunk_BitIdentical()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = 4 });
        Tensor Step(Tensor x, Tensor t, Generator g)
        {
            using var x0 = x * 0.5;
            return GanChainSampler.PosteriorStep(schedule, x0, x, t, g);
        }
        Tensor Draw(Generator g, ISampleChunkStore? store, CancellationToken cancel = default, Action<long, long>? progress = null) =>
            GanChainSampler.Sample(4, (x, t) => Step(x, t, g), [3], new SampleRequest
            {
                NumSamples = 9, BatchSize = 4, Generator = g, Chunks = store, Cancel = cancel, Progress = progress,
            }, CPU);
        using var g0 = new Generator(11);
        using var reference = Draw(g0, null);
        var store = new MemoryStore();
        using var cts = new CancellationTokenSource();
        using (var g1 = new Generator(11))
            Assert.Throws<OperationCanceledException>(() => Draw(g1, store, cts.Token, (done, _) => { if (done == 5) cts.Cancel(); }));
        Assert.That(store.Saved?.ChunksDone, Is.EqualTo(1));
        using var g2 = new Generator(11);
        using var resumed = Draw(g2, store);
        Assert.That(TestTensors.AreIdentical(resumed, reference), Is.True);
    }

    [Test]
    public void PartialSamplesFile_SameRequestResumes_OtherStepOrRequestStartsOver()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 100 });
        var spec = new SamplingOptions { Label = "ddpm 20", NumSamples = 10, BatchSize = 3 };
        var file = new PartialSamplesFile(_dir, "ddpm-20", spec, seed: 5, step: 300);
        using var cts = new CancellationTokenSource();
        using (var g = new Generator(7))
            Assert.Throws<OperationCanceledException>(() => DrawEps(schedule, g, file, cts.Token, (done, _) => { if (done == 25) cts.Cancel(); }));
        Assert.That(File.Exists(file.Path), Is.True, "the finished chunk is on disk");

        using (var again = new PartialSamplesFile(_dir, "ddpm-20", spec, 5, 300).Load())
        {
            Assert.That(again, Is.Not.Null);
            Assert.That(again!.ChunksDone, Is.EqualTo(1));
            Assert.That(again.Samples.shape, Is.EqualTo(new long[] { 3, 2 }));
        }
        Assert.That(new PartialSamplesFile(_dir, "ddpm-20", spec, 5, step: 400).Load(), Is.Null, "weights of another step");
        Assert.That(new PartialSamplesFile(_dir, "ddpm-20", new SamplingOptions { Label = "ddpm 20", NumSamples = 12, BatchSize = 3 }, 5, 300).Load(), Is.Null, "another request");
        Assert.That(new PartialSamplesFile(_dir, "ddpm-20", spec, seed: 6, 300).Load(), Is.Null, "another seed");

        using var reference = DrawUninterrupted(schedule);
        using var g2 = new Generator(7);
        using var resumed = DrawEps(schedule, g2, new PartialSamplesFile(_dir, "ddpm-20", spec, 5, 300));
        Assert.That(TestTensors.AreIdentical(resumed, reference), Is.True);
    }

    [Test]
    public void PartialSamplesFile_Save_LeavesNoTensorAlive()
    {
        var file = new PartialSamplesFile(_dir, "gan", new SamplingOptions { Label = "gan", NumSamples = 40, BatchSize = 10 }, seed: 5, step: 300);
        using var g = new Generator(7);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var progress = new SavedChunks(2, randn([20, 3, 8, 8], generator: g), g.get_state(), 12.5))
            file.Save(progress);
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
        using var loaded = file.Load();
        Assert.That(loaded!.ChunksDone, Is.EqualTo(2));
    }

    [Test]
    public void Saving_CostlyAgainstTheChunks_SkipsChunksButResumesBitIdentical()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 100 });
        using var reference = DrawUninterrupted(schedule);
        // A save "costs" 10^6 times its real time: after the first chunk nothing more is saved.
        var store = new MemoryStore { SaveCostFactor = 1e6 };
        using var cts = new CancellationTokenSource();
        using (var g = new Generator(7))
            Assert.Throws<OperationCanceledException>(() => DrawEps(schedule, g, store, cts.Token, (done, _) => { if (done == 65) cts.Cancel(); }));
        Assert.That((store.Saves, store.Saved?.ChunksDone), Is.EqualTo((1, 1)), "only the first chunk was saved");
        using var g2 = new Generator(7);
        using var resumed = DrawEps(schedule, g2, store);
        Assert.That(TestTensors.AreIdentical(resumed, reference), Is.True);
    }

    [Test]
    public void Load_ChunksThatDoNotFitTheRequest_Refused()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "linear", NumTimesteps = 100 });
        var store = new MemoryStore();
        using (var g = new Generator(1))
        using (var wrong = new SavedChunks(2, zeros(5, 2), g.get_state(), 1))   // 2 chunks of 3 would be 6 samples
            store.Save(wrong);
        using var g2 = new Generator(7);
        var e = Assert.Throws<InvalidDataException>(() => DrawEps(schedule, g2, store));
        Assert.That(e!.Message, Does.Contain("5 samples in 2 chunk(s)"));
    }

    private sealed class MemoryStore : ISampleChunkStore
    {
        public SavedChunks? Saved { get; private set; }

        public double ElapsedBeforeResume { get; set; }

        public double SaveCostFactor { get; init; }   // every chunk, so the tests know which chunks were saved

        public int Saves { get; private set; }

        public SavedChunks? Load() => Saved is null ? null : new SavedChunks(Saved.ChunksDone, Saved.Samples.clone(), Saved.GeneratorState.clone(), Saved.ElapsedMs);

        public void Save(SavedChunks progress)
        {
            Saves++;
            Saved?.Dispose();
            Saved = new SavedChunks(progress.ChunksDone, progress.Samples.clone(), progress.GeneratorState.clone(), progress.ElapsedMs);
        }
    }
}
