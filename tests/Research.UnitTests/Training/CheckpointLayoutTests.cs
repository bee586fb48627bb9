using System.Text.Json.Nodes;
using Research.Core.Configuration;
using Research.Training.Loop;
using Research.Training.Optimization;
using Research.Training.Runs;
using Research.UnitTests.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

/// <summary>
/// The checkpoint layout (format 2) on every model size the project ships — the 2-D MLPs of trilemma-2d's three presets, the
/// MNIST UNets of configs/base-mnist.json as mnist-ddpm, mnist-ddgan and mnist-siddm build them, and a UNet of more than 10 M
/// parameters — read by an independent minimal parser (<see cref="MinimalSafeTensors"/>): the header stays under 1 MB, every
/// tensor (weights, EMA, optimizer moments and steps, generator states) lies where the header says, a write → read → write
/// round trip is bit-identical, and training continues bit-exactly from the loaded state.
/// </summary>
[NonParallelizable]
public class CheckpointLayoutTests
{
    private const long MaxHeaderBytes = 1 << 20;

    private const string Synthetic28 = """{ "type": "synthetic-images", "options": { "count": 10, "image_size": 28 } }""";

    // Shipped experiments with their data swapped for data that needs no download (the networks are what is measured).
    private static IEnumerable<TestCaseData> ShippedModels()
    {
        yield return new TestCaseData("experiments/trilemma-2d/experiment.json", """{ "options": { "num_per_mode": 4 } }""", 8).SetName("2-D MLP presets (trilemma-2d)");
        foreach (var family in new[] { "ddpm", "ddgan", "siddm" })
            yield return new TestCaseData($"experiments/mnist-{family}/experiment.json", Synthetic28, 4).SetName($"MNIST UNet (mnist-{family})");
    }

    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("ckpt-layout-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    [TestCaseSource(nameof(ShippedModels))]
    public void Checkpoint_OfAShippedModel_SmallHeader_EveryTensorWhereTheHeaderSays_RoundTripAndResumeBitExact(string experiment, string data, int batch)
    {
        var file = Path.Combine(_dir, "e.json");
        File.WriteAllText(file, new JsonObject
        {
            ["extends"] = new JsonArray(Path.Combine(TestPaths.RepoRoot, experiment)),
            ["device"] = "cpu", ["threads"] = 1,
            ["data"] = JsonNode.Parse(data),
            ["training"] = new JsonObject { ["batch_size"] = batch },
        }.ToJsonString());
        var runs = ExperimentLoader.Load(file, [], TestExperiments.Registry).Runs;
        foreach (var run in runs) CheckRoundTrip(run, minParameters: 0);
    }

    [Test]
    public void Checkpoint_OfAUNetOver10MParameters_HeaderUnder1MB_RoundTripAndResumeBitExact()
    {
        var file = Path.Combine(_dir, "big.json");
        File.WriteAllText(file, """
        {
          "name": "big-unet", "device": "cpu", "threads": 1,
          "data": { "type": "synthetic-images", "options": { "count": 10, "image_size": 32, "channels": 3 } },
          "backbone": { "type": "unet", "options": { "image_size": 32, "model_channels": 96, "channel_mult": [1, 2, 2], "num_res_blocks": 2,
                                                    "attention_resolutions": [16], "num_head_channels": 32 } },
          "schedule": { "type": "linear", "num_timesteps": 1000 },
          "parameterization": { "type": "ddpm-eps" },
          "training": { "steps": 2, "batch_size": 1 }
        }
        """);
        CheckRoundTrip(ExperimentLoader.Load(file, [], TestExperiments.Registry).Runs.Single(), minParameters: 10_000_000);
    }

    // One step, save; parse independently; load into a fresh session and save again (identical file); then one more step on
    // each (the original's own trainer, a new one on the loaded session) gives identical checkpoints again.
    private void CheckRoundTrip(ResolvedRun run, long minParameters)
    {
        string a = Path.Combine(_dir, "a.safetensors"), b = Path.Combine(_dir, "b.safetensors");
        using var s = TestExperiments.Session(run);
        long parameters = s.Parameterization.Networks.Values.Sum(n => n.parameters().Sum(p => p.NumberOfElements));
        Assert.That(parameters, Is.GreaterThanOrEqualTo(minParameters));
        var trainer = new Trainer(s, null);
        s.Options.Training.Steps = 1;
        trainer.Train();
        Checkpoint.Save(s, a);

        var (headerLength, meta, entries) = MinimalSafeTensors.Parse(a);
        TestContext.Out.WriteLine($"{run.Options.Name}: {parameters:N0} parameters, header {headerLength:N0} bytes, file {new FileInfo(a).Length:N0} bytes");
        Assert.That(headerLength, Is.LessThan(MaxHeaderBytes), "the header holds only small metadata");
        Assert.That(meta["format"], Is.EqualTo(Checkpoint.Format));
        var expected = Expected(s);
        Assert.That(entries.Keys, Is.EquivalentTo(expected.Keys), "every tensor of the training state, and nothing else, in the body");
        foreach (var (name, bytes) in expected)
            Assert.That(MinimalSafeTensors.Bytes(a, entries[name]).AsSpan().SequenceEqual(bytes), Is.True, $"{name}: the bytes where the header says");

        using var r = TestExperiments.Session(run);
        Checkpoint.Load(r, a);
        Checkpoint.Save(r, b);
        Assert.That(File.ReadAllBytes(b).AsSpan().SequenceEqual(File.ReadAllBytes(a)), Is.True, "write → read → write is bit-identical");
        foreach (var (name, opt) in s.Optimizers)
            Assert.That(Binary(r.Optimizers[name]), Is.EqualTo(Binary(opt)), $"the loaded optimizer '{name}' holds the saved state");

        s.Options.Training.Steps = 2;
        trainer.Train();
        new Trainer(r, null).Train();
        Checkpoint.Save(s, a);
        Checkpoint.Save(r, b);
        Assert.That(File.ReadAllBytes(b).AsSpan().SequenceEqual(File.ReadAllBytes(a)), Is.True, "training continues bit-exactly from the loaded state");
    }

    // The bytes each checkpoint tensor must hold, taken from the live session.
    private static Dictionary<string, byte[]> Expected(TrainingSession s)
    {
        var expected = new Dictionary<string, byte[]>();
        foreach (var (name, net) in s.Parameterization.Networks)
        {
            foreach (var (k, v) in net.state_dict()) expected[$"net.{name}.{k}"] = Bytes(v);
            var state = Binary(s.Optimizers[name]);
            var info = OptimizerStateFormat.Decode(state);
            var names = net.named_parameters().Select(p => p.name).ToList();
            for (int i = 0; i < names.Count; i++)
            {
                var p = info.States[i];
                int length = (int)(p.Shape.Aggregate(1L, (x, y) => x * y) * Research.Core.IO.SafeTensorsLayout.ElementSize(p.Dtype));
                foreach (var (moment, at) in p.Moments) expected[$"optim.{name}.{names[i]}.{moment}"] = state[at..(at + length)];
                expected[$"optim.{name}.{names[i]}.step"] = BitConverter.GetBytes(p.Step);
            }
        }
        foreach (var (name, ema) in s.Emas)
            foreach (var (k, v) in ema.State()) expected[$"ema.{name}.{k}"] = Bytes(v);
        using (var data = s.DataGenerator.get_state()) expected["rng.data"] = Bytes(data);
        using (var train = s.TrainGenerator.get_state()) expected["rng.train"] = Bytes(train);
        return expected;
    }

    private static byte[] Bytes(Tensor t)
    {
        using var cpu = t.detach().cpu().contiguous();
        return cpu.bytes.ToArray();
    }

    private static byte[] Binary(TorchSharp.Modules.OptimizerHelper optimizer)
    {
        using var ms = new MemoryStream();
        using (var w = new BinaryWriter(ms, System.Text.Encoding.UTF8, leaveOpen: true)) optimizer.save_state_dict(w);
        return ms.ToArray();
    }
}
