using Research.Core.Configuration;
using Research.Core.Parameterizations;
using Research.Training.Loop;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Contracts;

/// <summary>
/// The contract every registered family must keep (docs/architecture.md, "Contracts"); runs over every registry
/// key, so a new family is covered as soon as it registers.
/// </summary>
[NonParallelizable]
public class ParameterizationContractTests
{
    private static IEnumerable<string> Families => TestExperiments.FamilyKeys;

    [TestCaseSource(nameof(Families))]
    public void Build_DefaultOptions_HasTheRegisteredNetworks(string family)
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny(family));
        Assert.That(s.Parameterization.Networks.Keys, Is.EquivalentTo(s.Family.Networks));
        Assert.That(s.Emas.Keys, Is.EquivalentTo(s.Family.EmaNetworks));
    }

    [TestCaseSource(nameof(Families))]
    public void LossTerms_OneBatch_FiniteAndGradientsReachOnlyTheNamedNetwork(string family)
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny(family));
        using var scope = NewDisposeScope();
        var batch = s.Data.NextBatch(16, s.DataGenerator);
        var terms = s.Parameterization.LossTerms(batch, new StepInfo(0, s.TrainGenerator)).ToList();
        Assert.That(terms, Is.Not.Empty);
        foreach (var term in terms)
        {
            foreach (var o in s.Optimizers.Values) o.zero_grad();
            var loss = term.Compute();
            Assert.That(loss.numel(), Is.EqualTo(1), $"{term.Name} must be a scalar");
            Assert.That(double.IsFinite(loss.item<float>()), Is.True, $"{term.Name} = {loss.item<float>()}");
            loss.backward();
            foreach (var (name, net) in s.Parameterization.Networks)
            {
                double g = net.parameters().Where(p => p.grad is not null).Sum(p => p.grad!.abs().sum().item<float>());
                if (name == term.Network)
                    Assert.That(g, Is.GreaterThan(0).And.LessThan(double.PositiveInfinity), $"{term.Name} gives '{name}' no finite gradient");
                else
                    Assert.That(g, Is.Zero, $"{term.Name} (for '{term.Network}') leaks gradient into '{name}'");
            }
            s.Optimizers[term.Network].step();
        }
    }

    [TestCaseSource(nameof(Families))]
    public void Sample_FixedGenerator_RightShapeDtypeAndRepeats(string family)
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny(family));
        Tensor Draw()
        {
            using var g = new Generator(123);
            return s.Parameterization.Sample(new SampleRequest { NumSamples = 6, Generator = g, BatchSize = 4 });
        }
        using var a = Draw();
        using var b = Draw();
        Assert.That(a.shape, Is.EqualTo(new long[] { 6, 2 }));
        Assert.That(a.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(a.isfinite().all().item<bool>(), Is.True);
        Assert.That(TestTensors.AreIdentical(a, b), Is.True, "same generator seed must give the same samples");
    }

    [TestCaseSource(nameof(Families))]
    public void ResolvedJson_RoundTrip_Identical(string family)
    {
        var run = TestExperiments.Tiny(family);
        var again = ExperimentLoader.LoadResolved(run.ResolvedJson, TestExperiments.Registry);
        Assert.That(ExperimentJson.Serialize(again), Is.EqualTo(run.ResolvedJson));
    }

    [TestCaseSource(nameof(Families))]
    public void Train_SeveralSteps_LiveTensorCountConstant(string family)
    {
        var run = TestExperiments.Tiny(family, sets: ["training.steps=30"]);
        using var s = TestExperiments.Session(run);
        var trainer = new Trainer(s, null);
        var (before, after) = TestExperiments.LiveTensorsAcross(trainer, s, warmup: 10, total: 30);
        Assert.That(after, Is.EqualTo(before), $"live tensors grew from {before} to {after} over 20 steps");
    }
}
