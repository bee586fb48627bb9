using Microsoft.Extensions.DependencyInjection;
using Research.Core.Backbones;
using Research.Core.Data;
using Research.Core.Parameterizations;
using Research.Core.Registry;
using Research.Training;
using Research.Training.Loop;
using Research.UnitTests.Contracts;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

/// <summary>
/// The trainer's metric lines: each value is the mean of the values a term produced since the previous line, whether
/// a family yields a term several times per step (k discriminator updates) or a part only on some steps (lazy R1).
/// </summary>
[NonParallelizable]
public class TrainerMetricsTests
{
    /// <summary>Options of a test family with known loss values.</summary>
    public sealed class RepeatOptions
    {
        public int Repeats { get; set; } = 3;
    }

    // Yields its one term Repeats times per step with the values 1, 2, …, Repeats (plus 0 × the network's output, so the
    // loop has a gradient to take), a part "every" equal to the term's value, and a part "sparse" = 5 on even steps only.
    private sealed class RepeatFamily(RepeatOptions o, BuildContext c) : OneNetworkTestFamily(c)
    {
        public override IEnumerable<LossTerm> LossTerms(TrainBatch batch, StepInfo step)
        {
            for (int i = 1; i <= o.Repeats; i++)
            {
                double value = i;
                LossTerm? term = null;
                term = new LossTerm("denoiser", "loss", () =>
                {
                    var loss = Forward(batch).sum().mul(0.0).add(value);
                    term!.Parts["every"] = tensor(value);
                    if (step.Step % 2 == 0) term.Parts["sparse"] = tensor(5.0);
                    return loss;
                });
                yield return term;
            }
        }
    }

    private static ComponentRegistry Registry() =>
        new ServiceCollection().AddComponentRegistry().AddBuiltInComponents()
            .AddParameterization<RepeatOptions>("test-repeat", "one term yielded k times per step", ["denoiser"], ["denoiser"], (o, c) => new RepeatFamily(o, c))
            .BuildServiceProvider().GetRequiredService<ComponentRegistry>();

    [Test]
    public void Log_TermYieldedThreeTimesAndSparsePart_MeansOverTheValuesProduced()
    {
        var registry = Registry();
        var run = TestExperiments.Tiny(registry, "test-repeat", sets: ["training.steps=4", "training.log_every=2", "training.ema.enabled=false"]);
        using var s = TestExperiments.Session(run, registry);
        var trainer = new Trainer(s, null);
        trainer.Train();
        Assert.That(trainer.History, Has.Count.EqualTo(2));
        foreach (var line in trainer.History)
        {
            Assert.That((double)line["loss"], Is.EqualTo(2.0).Within(1e-12), "mean of 1, 2, 3 over two steps (not their per-step sum, 6)");
            Assert.That((double)line["every"], Is.EqualTo(2.0).Within(1e-12));
            Assert.That((double)line["sparse"], Is.EqualTo(5.0).Within(1e-12), "produced on one step of two: its mean, not 5 / 2");
        }
    }

    [TestCase(false, new long[] { 2 })]
    [TestCase(true, new long[] { 2, 4 })]
    public void Train_EvalEvery2To4Steps_EvaluatesTheLastStepOnlyWhenAsked(bool evaluateLastStep, long[] expected)
    {
        var registry = Registry();
        var run = TestExperiments.Tiny(registry, "test-repeat", sets: ["training.steps=4", "training.eval_every=2", "parameterization.options.repeats=1"]);
        using var s = TestExperiments.Session(run, registry);
        var evaluatedAt = new List<long>();
        new Trainer(s, null, evaluate: x => evaluatedAt.Add(x.Step), evaluateLastStep: evaluateLastStep).Train();
        Assert.That(evaluatedAt, Is.EqualTo(expected));
    }
}
