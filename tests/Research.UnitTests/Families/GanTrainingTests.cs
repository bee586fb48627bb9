using Research.Core.Configuration;
using Research.Core.Parameterizations;
using Research.Data.TwoD;
using Research.Evaluation.TwoD;
using Research.Training.Loop;
using Research.UnitTests.Configuration;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Families;

/// <summary>
/// Tiny end-to-end runs of the GAN families through the real path (presets → <see cref="ExperimentLoader"/> →
/// <see cref="SessionBuilder"/> → <see cref="Trainer"/>): training moves the samples toward the data, and a seeded
/// run repeats bit for bit.
/// </summary>
[NonParallelizable]
public sealed class GanTrainingTests
{
    private static ResolvedRun Load(string family, long steps)
    {
        string presets = Path.Combine(TestPaths.RepoRoot, "configs").Replace('\\', '/');
        var dir = ConfigTestFiles.Scratch(("tiny.json",
            $$"""{ "extends": ["{{presets}}/base-2d.json", "{{presets}}/{{family}}-2d.json"], "name": "tiny-{{family}}" }"""));
        string[] set =
        [
            "device=cpu", "threads=1", "data.options.num_per_mode=200", "backbone.options.hidden_dim=32", "backbone.options.num_layers=2",
            "backbone.options.time_embed_dim=16", "backbone.options.latent_embed_dim=16", "training.batch_size=128",
            $"training.steps={steps}", "training.log_every=50", "training.ema.decay=0.9",
        ];
        return ExperimentLoader.Load(Path.Combine(dir, "tiny.json"), set, FamilyTestKit.Registry).Runs[0];
    }

    private static TrainingSession Session(ResolvedRun run) =>
        SessionBuilder.Build(run.Options, run.ResolvedJson, FamilyTestKit.Registry, Path.GetTempPath());

    // Fréchet distance (data space) between 2,000 samples, drawn with the EMA weights, and the training set.
    private static double Frechet(TrainingSession s)
    {
        foreach (var net in s.Parameterization.Networks.Values) net.eval();
        using var ema = s.UseEmaWeights();
        using var g = new Generator(123);
        using var samples = s.Parameterization.Sample(new SampleRequest { NumSamples = 2000, Generator = g });
        using var dataSpace = s.Data.ToDataSpace(samples);
        return FrechetDistance2D.Compute(dataSpace, ((PointSet2D)s.Data).Points);
    }

    [TestCase("ddgan")]
    [TestCase("siddm")]
    public void Train_TinyRun_MovesSamplesTowardTheData(string family)
    {
        var run = Load(family, 300);
        using var session = Session(run);
        double before = Frechet(session);
        var trainer = new Trainer(session, null);
        trainer.Train();
        double after = Frechet(session);
        TestContext.Out.WriteLine($"{family}: Fréchet distance {before:F2} → {after:F2}");
        Assert.That(after, Is.LessThan(0.5 * before));
        Assert.That(trainer.History.Last().Keys, Is.SupersetOf(new[] { "d_loss", "g_loss", "d_real", "d_fake", "g_adv" }));
    }

    [TestCase("ddgan")]
    [TestCase("siddm")]
    public void Train_SameSeedTwice_BitIdenticalWeights(string family)
    {
        var run = Load(family, 20);
        using var first = Session(run);
        new Trainer(first, null).Train();
        using var second = Session(run);
        new Trainer(second, null).Train();
        foreach (var (name, net) in first.Parameterization.Networks)
        {
            var other = second.Parameterization.Networks[name].state_dict();
            foreach (var (key, value) in net.state_dict())
                Assert.That(FamilyTestKit.Same(value, other[key]), Is.True, $"{name}.{key} differs between identical runs");
        }
    }
}
