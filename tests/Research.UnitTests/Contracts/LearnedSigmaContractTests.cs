using Research.Core.Losses;
using Research.Core.Parameterizations;
using Research.Core.Sampling;
using Research.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Contracts;

/// <summary>
/// The family contract for the ε-families with <c>learn_sigma</c> (improved DDPM, arXiv 2102.09672): a 2C-channel denoiser,
/// a finite hybrid loss that logs L_vlb, samples with every variance, and no tensor leak across training steps.
/// </summary>
[NonParallelizable]
public class LearnedSigmaContractTests
{
    private static readonly string[] Learned = ["parameterization.options.learn_sigma=true"];

    [TestCase("ddpm-eps")]
    [TestCase("classifier-guided")]
    public void LossTerms_LearnSigma_FiniteHybridLossLogsVlb(string family)
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny(family, sets: Learned));
        using var scope = NewDisposeScope();
        var batch = s.Data.NextBatch(16, s.DataGenerator);
        var term = s.Parameterization.LossTerms(batch, new StepInfo(0, s.TrainGenerator)).First(t => t.Network == "denoiser");
        var loss = term.Compute();
        Assert.That(double.IsFinite(loss.item<float>()), Is.True);
        Assert.That(term.Parts.ContainsKey(HybridLoss.VlbMetric), Is.True, "L_vlb is logged");
        Assert.That(term.Parts[HybridLoss.VlbMetric].item<float>(), Is.GreaterThan(0f));
        var last = s.Parameterization.Networks["denoiser"].parameters().Last();
        Assert.That(last.shape[0], Is.EqualTo(4), "the denoiser's output layer has 2C = 4 outputs");
    }

    [TestCase("ddpm-eps", null)]
    [TestCase("ddpm-eps", ReverseVariance.FixedSmall)]
    [TestCase("classifier-guided", ReverseVariance.Learned)]
    [TestCase("classifier-guided", ReverseVariance.FixedLarge)]
    public void Sample_LearnSigma_EveryVarianceGivesFiniteSamples(string family, ReverseVariance? variance)
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny(family, sets: Learned));
        using var g = new Generator(5);
        using var x = s.Parameterization.Sample(new SampleRequest { NumSamples = 6, Generator = g, Variance = variance });
        Assert.That(x.shape, Is.EqualTo(new long[] { 6, 2 }));
        Assert.That(x.isfinite().all().item<bool>(), Is.True);
    }

    [Test]
    public void Sample_LearnedOnFixedModel_Throws()
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps"));
        using var g = new Generator(5);
        var ex = Assert.Throws<ArgumentException>(() => s.Parameterization.Sample(
            new SampleRequest { NumSamples = 2, Generator = g, Variance = ReverseVariance.Learned }));
        Assert.That(ex!.Message, Does.Contain("variance").And.Contain("learn_sigma"));
    }

    [TestCase("ddpm-eps")]
    [TestCase("classifier-guided")]
    public void Train_LearnSigma_LiveTensorCountConstant(string family)
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny(family, sets: [.. Learned, "training.steps=30"]));
        var trainer = new Trainer(s, null);
        var (before, after) = TestExperiments.LiveTensorsAcross(trainer, s, warmup: 10, total: 30);
        Assert.That(after, Is.EqualTo(before), $"live tensors grew from {before} to {after} over 20 steps");
    }

    [Test]
    public void Train_LearnSigmaBf16_EveryStepFinite()
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny("ddpm-eps", sets: [.. Learned, "training.precision=bf16", "training.steps=10"]));
        var trainer = new Trainer(s, null);
        trainer.Train();
        Assert.That(trainer.SkippedSteps, Is.Zero, "the hybrid loss is finite in bf16");
        Assert.That(trainer.History.Any(line => line.ContainsKey(HybridLoss.VlbMetric)), Is.True);
        foreach (var line in trainer.History)
            foreach (var (k, v) in line.Where(p => p.Value is double))
                Assert.That(double.IsFinite((double)v), Is.True, $"{k} = {v}");
    }
}
