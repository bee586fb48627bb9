using Research.Core.Parameterizations;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Contracts;

/// <summary>
/// The loop's side of "gradients reach only the named network": zeroing and stepping only the term's optimizer must
/// change the term's network and nothing else, for every term of every registered family (a family that names the
/// wrong network for a term, or a term that reaches no parameter of its network, fails here).
/// </summary>
[NonParallelizable]
public class OptimizerStepContractTests
{
    private static IEnumerable<string> Families => TestExperiments.FamilyKeys;

    [TestCaseSource(nameof(Families))]
    public void LossTerms_StepTheTermsOptimizer_ChangesOnlyItsNetwork(string family)
    {
        using var s = TestExperiments.Session(TestExperiments.Tiny(family));
        using var scope = NewDisposeScope();
        var batch = s.Data.NextBatch(16, s.DataGenerator);
        foreach (var term in s.Parameterization.LossTerms(batch, new StepInfo(0, s.TrainGenerator)))
        {
            foreach (var o in s.Optimizers.Values) o.zero_grad();
            var before = s.Parameterization.Networks.ToDictionary(p => p.Key,
                p => p.Value.parameters().Select(w => w.detach().clone()).ToList());
            term.Compute().backward();
            s.Optimizers[term.Network].step();
            foreach (var (name, net) in s.Parameterization.Networks)
            {
                bool changed = net.parameters().Zip(before[name]).Any(p => !TestTensors.AreIdentical(p.First, p.Second));
                Assert.That(changed, Is.EqualTo(name == term.Network),
                    $"after {term.Name} stepped '{term.Network}', network '{name}' {(changed ? "changed" : "did not change")}");
            }
        }
    }
}
