using System.Text.Json.Nodes;
using Research.Training.Runs;
using Research.UnitTests.Contracts;

namespace Research.UnitTests.Training;

/// <summary>
/// The guard that stops a checkpoint loading into a session of another architecture (data, backbone, schedule,
/// parameterization), and lets one load that only lacks keys added since it was written.
/// </summary>
[NonParallelizable]
public class CheckpointArchitectureTests
{
    [Test]
    public void Differences_KeyOnlyInTheCurrentConfig_IsNotADifference()
    {
        var saved = JsonNode.Parse("""{ "type": "ddgan", "options": { "nz": 16, "r1_gamma": 0.02 } }""");
        var current = JsonNode.Parse("""{ "type": "ddgan", "options": { "nz": 16, "r1_gamma": 0.02, "discriminator_steps": 1 } }""");

        Assert.That(Checkpoint.Differences(saved, current, "parameterization"), Is.Empty);
    }

    [Test]
    public void Differences_ChangedLeaf_NamedWithItsPathAndBothValues()
    {
        var saved = JsonNode.Parse("""{ "type": "ddgan", "options": { "nz": 16, "r1_gamma": 0.02 } }""");
        var current = JsonNode.Parse("""{ "type": "ddgan", "options": { "nz": 32, "r1_gamma": 0.02 } }""");

        Assert.That(Checkpoint.Differences(saved, current, "parameterization"),
            Is.EqualTo(new[] { "parameterization.options.nz: 16 in the checkpoint, 32 now" }));
    }

    [Test]
    public void Load_CheckpointOfAnotherWidth_RefusesNamingTheKeyAndLeavesTheWeights()
    {
        var dir = Path.Combine(Path.GetTempPath(), "research-ckpt-arch-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "c.safetensors");
            using (var s = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps", sets: ["backbone.options.hidden_dim=32"])))
                Checkpoint.Save(s, path);
            using var other = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps", sets: ["backbone.options.hidden_dim=48"]));
            var before = other.Parameterization.Networks.Values.First().parameters().First().detach().clone();

            var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(other, path));

            Assert.That(ex!.Message, Does.Contain("backbone.options.hidden_dim: 32 in the checkpoint, 48 now"));
            Assert.That(ex.Message, Does.StartWith(path));
            var after = other.Parameterization.Networks.Values.First().parameters().First();
            Assert.That(TestTensors.AreIdentical(before, after), Is.True);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
