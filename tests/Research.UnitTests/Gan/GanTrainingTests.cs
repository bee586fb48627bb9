using Research.Core.Parameterizations;
using Research.Core.Experiments;
using Research.Training.Experiments;
using Research.Training.Loop;
using Research.UnitTests.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Gan;

/// <summary>
/// Tiny end-to-end runs of the GAN families through the real loader, <see cref="SessionBuilder"/> and
/// <see cref="Trainer"/>: training moves the samples toward the data, and a seeded run repeats bit for bit.
/// </summary>
[NonParallelizable]
public sealed class GanTrainingTests
{
    private static readonly string[] Short =
    [
        "threads=1", "data.options.num_per_mode=500", "data.options.grid_size=2", "backbone.options.hidden_dim=64",
        "backbone.options.input_fourier_bands=2", "training.batch_size=128",
        "training.steps=600", "training.log_every=50", "training.lr_schedule=cosine", "training.min_lr=0.0001",
        "training.grad_clip=1",
        "training.optimizers={\"generator\": {\"lr\": 0.001, \"beta1\": 0.5, \"beta2\": 0.9}, \"discriminator\": {\"lr\": 0.001, \"beta1\": 0.5, \"beta2\": 0.9}}",
    ];

    // Share (%) of 2,000 samples, drawn with the EMA weights, within 3σ of a mode of the 2×2 grid. Before training the
    // generator puts everything near the grid's centre, 2.5 (7.5σ) from every mode, so the share starts near 0.
    private static double HighQualityPercent(TrainingSession s)
    {
        foreach (var net in s.Parameterization.Networks.Values) net.eval();
        using var ema = s.UseEmaWeights();
        using var samples = GanTestKit.Sample(s, 2000);
        using var dataSpace = s.Data.ToDataSpace(samples);
        foreach (var net in s.Parameterization.Networks.Values) net.train();
        return (double)SampleEvaluator.Score(s, dataSpace, new SamplingOptions())["high_quality_pct"];
    }

    [TestCase("ddgan")]
    [TestCase("siddm")]
    public void Train_TinyRun_MovesSamplesTowardTheData(string family)
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny(family, sets: Short));
        double before = HighQualityPercent(s);
        var trainer = new Trainer(s, null);
        trainer.Train();
        double after = HighQualityPercent(s);
        TestContext.Out.WriteLine($"{family}: high-quality share {before:F1}% → {after:F1}%");
        Assert.That(after, Is.GreaterThan(before + 30), $"high-quality share {before:F1}% → {after:F1}%");
        Assert.That(trainer.History[^1].Keys, Is.SupersetOf(new[] { "d_loss", "g_loss", "d_real", "d_fake", "g_adv" }));
    }

    [TestCase("ddgan")]
    [TestCase("siddm")]
    public void LossTerms_DiscriminatorSteps3_ThreeDUpdatesOnFreshPairsThenG(string family)
    {
        using var s = GanTestKit.Session(family, "discriminator_steps=3");
        var terms = GanTestKit.Terms(s);
        Assert.That(terms.Select(t => t.Network), Is.EqualTo(new[] { "discriminator", "discriminator", "discriminator", "generator" }));
        Assert.That(terms.Take(3).Select(t => t.WithGrad), Has.All.EquivalentTo(new[] { "discriminator" }));
        Assert.That(terms.Take(3).Select(t => t.Loss).Distinct().Count(), Is.EqualTo(3), "each D update draws its own t, noise and z");
    }

    [TestCase("ddgan")]
    [TestCase("siddm")]
    public void Options_DiscriminatorStepsZero_Rejected(string family)
    {
        var ex = Assert.Catch(() => TestExperiments.Tiny(family, sets: ["parameterization.options.discriminator_steps=0"]));
        Assert.That(ex!.Message, Does.Contain("discriminator_steps"));
    }

    [TestCase("ddgan")]
    [TestCase("siddm")]
    public void Train_SameSeedTwice_BitIdenticalLossesAndWeights(string family)
    {
        (List<double> Losses, Tensor Weights) RunOnce()
        {
            using var s = TestExperiments.Session(TestExperiments.Tiny(family, seed: 3, sets: ["threads=1", "training.steps=20", "parameterization.options.lazy_reg=2"]));
            var trainer = new Trainer(s, null);
            trainer.Train();
            var w = cat(s.Parameterization.Networks.Values.SelectMany(n => n.parameters()).Select(p => p.detach().flatten()).ToArray()).clone();
            return (trainer.History.Select(h => (double)h["d_loss"] + (double)h["g_loss"]).ToList(), w.DetachFromDisposeScope());
        }
        var (la, wa) = RunOnce();
        var (lb, wb) = RunOnce();
        using (wa) using (wb)
        {
            Assert.That(lb, Is.EqualTo(la));
            Assert.That(TestTensors.AreIdentical(wa, wb), Is.True);
        }
    }
}
