using Research.Core.IO;
using Research.Training.Loop;
using Research.Training.Runs;
using Research.UnitTests.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

/// <summary>
/// The checks of a format-2 checkpoint's optimizer tensors (<see cref="CheckpointOptimizer"/>): each malformed state is refused
/// before anything is loaded, naming the file, the tensor or key and a byte offset.
/// </summary>
[NonParallelizable]
public class CheckpointOptimizerTests
{
    private string _dir = "";
    private string _path = "";

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("ckpt-optim-").FullName;
        _path = Path.Combine(_dir, "c.safetensors");
        using var s = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps", sets: ["training.steps=2"]));
        new Trainer(s, null).Train();
        Checkpoint.Save(s, _path);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private const string Step = "optim.denoiser.input.weight.step";

    private static IEnumerable<TestCaseData> Edits()
    {
        yield return Case("a step count removed", (t, _) => { t.Remove(Step, out var x); x!.Dispose(); }, $"missing tensor '{Step}'");
        yield return Case("a step count stored as F32", (t, _) => Replace(t, Step, tensor(2f)), $"tensor '{Step}' is [] F32: a step count is an I64 scalar");
        yield return Case("a negative step count", (t, _) => Replace(t, Step, tensor(-1L)), $"tensor '{Step}' holds step -1");
        yield return Case("moments of no parameter", (t, _) => t["optim.denoiser.nowhere.exp_avg"] = zeros(2), "tensor 'optim.denoiser.nowhere.exp_avg' belongs to no parameter");
        yield return Case("an unknown moment", (t, _) => t["optim.denoiser.input.weight.momentum"] = zeros(2), "tensor 'optim.denoiser.input.weight.momentum' belongs to no parameter");
        yield return Case("moments of no network", (t, _) => t["optim.critic.input.weight.exp_avg"] = zeros(2), "optimizer tensors 'optim.critic.*' belong to no network");
        yield return Case("a tensor of no kind", (t, _) => t["extra.x"] = zeros(2), "tensor 'extra.x' is none of a checkpoint's");
        yield return Case("group options without lr", (_, m) => m["optimizer.denoiser"] = m["optimizer.denoiser"].Replace("\"lr\":", "\"lr_\":"), "__metadata__.optimizer.denoiser: group 0 has no \"lr\"");
        yield return Case("another optimizer type", (_, m) => m["optimizer.denoiser"] = m["optimizer.denoiser"].Replace("\"Adam\"", "\"SGD\""), "optimizer type 'SGD' is not one of Adam, AdamW");
        yield return Case("optimizer metadata not JSON", (_, m) => m["optimizer.denoiser"] = "{", "__metadata__.optimizer.denoiser: not valid JSON");
    }

    private static TestCaseData Case(string name, Action<Dictionary<string, Tensor>, Dictionary<string, string>> edit, string fragment) =>
        new TestCaseData(edit, fragment).SetName($"Validate_{name}_IsRefused");

    [TestCaseSource(nameof(Edits))]
    public void Validate_MalformedOptimizerState_IsRefusedNamingFileTensorAndByte(Action<Dictionary<string, Tensor>, Dictionary<string, string>> edit, string fragment)
    {
        Rewrite(edit);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Validate(_path, CheckpointExpectations.WeightsOnly()).Dispose())!;
        Assert.That(e.Message, Does.StartWith(_path + ": byte ").And.Contain(fragment));
    }

    [Test]
    public void Load_StateOfAnotherOptimizerType_IsRefusedBeforeAnythingIsCopied()
    {
        using var other = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps", sets: ["training.optimizer.type=adamw"]));
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(other, _path))!;
        Assert.That(e.Message, Does.StartWith(_path).And.Contain("is the state of Adam; this configuration trains 'denoiser' with AdamW"));
        Assert.That(other.Step, Is.Zero);
    }

    private void Rewrite(Action<Dictionary<string, Tensor>, Dictionary<string, string>> edit)
    {
        var (tensors, meta) = SafeTensors.Read(_path);
        try
        {
            edit(tensors, meta);
            AtomicFile.Write(_path, s => SafeTensors.Write(s, tensors, meta, checksum: true));
        }
        finally
        {
            foreach (var t in tensors.Values) t.Dispose();
        }
    }

    private static void Replace(Dictionary<string, Tensor> tensors, string key, Tensor value)
    {
        tensors[key].Dispose();
        tensors[key] = value;
    }
}
