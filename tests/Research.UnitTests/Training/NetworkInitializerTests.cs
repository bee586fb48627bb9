using Research.Core.Configuration;
using Research.Core.Experiments;
using Research.Core.IO;
using Research.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

/// <summary><c>training.init</c> with a plain state dict (as <c>research weights export</c> writes): exact copy, strict keys.</summary>
public sealed class NetworkInitializerTests
{
    private string _dir = "";

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("init-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, true);

    private static Dictionary<string, NetworkInitOptions> Init(string path) => new() { ["denoiser"] = new NetworkInitOptions { Path = path } };

    [Test]
    public void Apply_PlainStateDict_CopiesEveryTensorBitExactly()
    {
        manual_seed(1);
        using var source = nn.Sequential(("0", nn.Linear(3, 4)), ("1", nn.Linear(4, 2)));
        manual_seed(2);
        using var target = nn.Sequential(("0", nn.Linear(3, 4)), ("1", nn.Linear(4, 2)));
        var path = Path.Combine(_dir, "w.safetensors");
        SafeTensors.Write(path, source.state_dict(), new Dictionary<string, string> { ["network"] = "denoiser" });
        Assert.That(TestTensors.AreIdentical(source.state_dict()["0.weight"], target.state_dict()["0.weight"]), Is.False, "different before");

        var lines = NetworkInitializer.Apply(new Dictionary<string, nn.Module> { ["denoiser"] = target }, Init(path), null);

        foreach (var (k, v) in source.state_dict())
            Assert.That(TestTensors.AreIdentical(v, target.state_dict()[k]), Is.True, k);
        Assert.That(lines.Single(), Does.StartWith("denoiser: 4 tensors from").And.Contain("state dict of network 'denoiser'"));
    }

    [Test]
    public void Apply_MissingAndExtraKeys_ConfigErrorNamingSourceKeyAndEveryProblem_TargetUnchanged()
    {
        using var source = nn.Sequential(("0", nn.Linear(3, 4)), ("2", nn.Linear(4, 2)));
        using var target = nn.Sequential(("0", nn.Linear(3, 5)), ("1", nn.Linear(5, 2)));
        using var before = target.state_dict()["0.weight"].clone();
        var path = Path.Combine(_dir, "w.safetensors");
        SafeTensors.Write(path, source.state_dict());
        var sources = new Dictionary<string, string> { ["training.init.denoiser.path"] = "exp.json" };

        var e = Assert.Throws<ConfigException>(() =>
            NetworkInitializer.Apply(new Dictionary<string, nn.Module> { ["denoiser"] = target }, Init(path), sources))!;

        var error = e.Errors.Single();
        Assert.That((error.Source, error.Path), Is.EqualTo(("exp.json", "training.init.denoiser.path")));
        Assert.That(error.Message, Does.Contain($"{path}: network 'denoiser' cannot take the state dict: "), "names the file, the network and what was offered");
        Assert.That(error.Message, Does.Contain("missing key '1.weight'").And.Contain("unexpected key '2.weight'")
            .And.Contain("key '0.weight' has shape [4, 3], network 'denoiser' expects [5, 3]"));
        Assert.That(TestTensors.AreIdentical(before, target.state_dict()["0.weight"]), Is.True, "nothing copied");
    }

    [Test]
    public void Apply_NotSafetensors_ConfigErrorNamingTheFile()
    {
        var path = Path.Combine(_dir, "junk.safetensors");
        File.WriteAllText(path, "junk");
        using var target = nn.Linear(2, 2);
        var e = Assert.Throws<ConfigException>(() =>
            NetworkInitializer.Apply(new Dictionary<string, nn.Module> { ["denoiser"] = target }, Init(path), null))!;
        Assert.That(e.Errors.Single().Message, Does.Contain(path).And.Contain("not readable as safetensors"));
    }
}
