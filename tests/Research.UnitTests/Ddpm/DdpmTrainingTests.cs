using Research.Training.Loop;
using Research.UnitTests.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Ddpm;

[NonParallelizable]
public class DdpmTrainingTests
{
    private static readonly string[] Overfit =
    [
        "schedule.type=linear", "schedule.num_timesteps=100", "training.steps=400", "training.log_every=50",
        "training.optimizer.lr=0.003", "backbone.options.hidden_dim=64",
    ];

    [Test]
    public void Train_TinyRun_LossFalls()
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps", sets: Overfit));
        var trainer = new Trainer(s, null);
        trainer.Train();
        double first = (double)trainer.History[0]["loss"], last = (double)trainer.History[^1]["loss"];
        Assert.That(last, Is.LessThan(0.7 * first), $"loss {first:F4} → {last:F4}");
    }

    [Test]
    public void Train_SameSeedTwice_BitIdenticalLossesAndWeights()
    {
        (List<double> Losses, Tensor Weights) RunOnce()
        {
            using var s = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps", seed: 3, sets: ["training.steps=30"]));
            var trainer = new Trainer(s, null);
            trainer.Train();
            var w = cat(s.Parameterization.Networks["denoiser"].parameters().Select(p => p.detach().flatten()).ToArray()).clone();
            return (trainer.History.Select(h => (double)h["loss"]).ToList(), w.DetachFromDisposeScope());
        }
        var (la, wa) = RunOnce();
        var (lb, wb) = RunOnce();
        using (wa) using (wb)
        {
            Assert.That(lb, Is.EqualTo(la));
            Assert.That(TestTensors.AreIdentical(wa, wb), Is.True);
        }
    }

    [Test]
    public void Train_DifferentSeed_DifferentLosses()
    {
        List<double> RunOnce(long seed)
        {
            using var s = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps", seed: seed, sets: ["training.steps=10"]));
            var trainer = new Trainer(s, null);
            trainer.Train();
            return trainer.History.Select(h => (double)h["loss"]).ToList();
        }
        Assert.That(RunOnce(1), Is.Not.EqualTo(RunOnce(2)));
    }
}
