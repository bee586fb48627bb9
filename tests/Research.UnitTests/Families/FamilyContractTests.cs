using Research.Core.Parameterizations;
using Research.Core.Registry;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Families;

/// <summary>
/// The contract every registered family must meet, run over every registry key (a new family is covered as soon
/// as it registers): builds from default options, finite loss terms, each term's optimizer step changes only its
/// network, samples of the right shape that repeat for a fixed generator, and no tensor leak across steps.
/// </summary>
[NonParallelizable]
public sealed class FamilyContractTests
{
    private static IEnumerable<string> Keys => FamilyTestKit.FamilyKeys;

    [Test]
    public void Registry_BuiltIns_IncludeEveryFamily()
    {
        Assert.That(Keys, Is.SupersetOf(new[] { "ddpm-eps", "ddgan", "siddm" }));
    }

    [TestCaseSource(nameof(Keys))]
    public void Build_DefaultOptions_NetworksMatchRegistration(string key)
    {
        var (family, schedule) = FamilyTestKit.Build(key);
        using var _ = family;
        using var __ = schedule;
        var registration = FamilyTestKit.Registry.Get(ComponentKind.Parameterization, key);
        Assert.That(family.Networks.Keys, Is.EquivalentTo(registration.Networks));
    }

    [TestCaseSource(nameof(Keys))]
    public void LossTerms_DefaultOptions_AreFiniteScalars(string key)
    {
        var (family, schedule) = FamilyTestKit.Build(key);
        using var _ = family;
        using var __ = schedule;
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        int count = 0;
        foreach (var term in family.LossTerms(FamilyTestKit.Batch(), new StepInfo(0, g)))
        {
            FamilyTestKit.ZeroGrads(family);
            var loss = term.Compute();
            Assert.That(loss.shape, Is.Empty, $"{term.Name} must be a scalar");
            Assert.That(float.IsFinite(loss.item<float>()), Is.True, $"{term.Name} = {loss.item<float>()}");
            Assert.That(family.Networks.ContainsKey(term.Network), Is.True, $"{term.Name} names unknown network '{term.Network}'");
            loss.backward();
            count++;
        }
        Assert.That(count, Is.GreaterThan(0));
    }

    [TestCaseSource(nameof(Keys))]
    public void LossTerms_StepTermOptimizer_ChangesOnlyItsNetwork(string key)
    {
        var (family, schedule) = FamilyTestKit.Build(key);
        using var _ = family;
        using var __ = schedule;
        var optimizers = family.Networks.ToDictionary(p => p.Key, p => optim.Adam(p.Value.parameters(), 1e-2));
        using var scope = NewDisposeScope();
        using var g = new Generator(5);
        foreach (var term in family.LossTerms(FamilyTestKit.Batch(), new StepInfo(0, g)))
        {
            FamilyTestKit.ZeroGrads(family);
            var before = family.Networks.ToDictionary(p => p.Key, p => FamilyTestKit.Snapshot(p.Value));
            term.Compute().backward();
            optimizers[term.Network].step();
            foreach (var (name, net) in family.Networks)
                Assert.That(FamilyTestKit.Changed(net, before[name]), Is.EqualTo(name == term.Network),
                    $"term {term.Name} (network {term.Network}): network {name} changed = {!(name == term.Network)}");
        }
        foreach (var o in optimizers.Values) o.Dispose();
    }

    [TestCaseSource(nameof(Keys))]
    public void Sample_FixedGenerator_RightShapeAndDtypeAndRepeats(string key)
    {
        var (family, schedule) = FamilyTestKit.Build(key);
        using var _ = family;
        using var __ = schedule;
        foreach (var net in family.Networks.Values) net.eval();
        using var g1 = new Generator(9);
        using var g2 = new Generator(9);
        using var a = family.Sample(new SampleRequest { NumSamples = 7, Generator = g1, BatchSize = 4 });
        using var b = family.Sample(new SampleRequest { NumSamples = 7, Generator = g2, BatchSize = 4 });
        Assert.That(a.shape, Is.EqualTo(new long[] { 7, 2 }));
        Assert.That(a.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(FamilyTestKit.Same(a, b), Is.True, "same generator seed, same samples");
        Assert.That(a.isfinite().all().item<bool>(), Is.True);
    }

    [TestCaseSource(nameof(Keys))]
    public void LossTerms_SeveralSteps_LiveTensorCountStaysFlat(string key)
    {
        var (family, schedule) = FamilyTestKit.Build(key);
        using var _ = family;
        using var __ = schedule;
        var optimizers = family.Networks.ToDictionary(p => p.Key, p => optim.Adam(p.Value.parameters(), 1e-3));
        using var batch = FamilyTestKit.Batch().X0;
        using var g = new Generator(5);
        void Step(long i)
        {
            using var scope = NewDisposeScope();
            foreach (var term in family.LossTerms(new Research.Core.Data.TrainBatch(batch, null), new StepInfo(i, g)))
            {
                foreach (var o in optimizers.Values) o.zero_grad();
                term.Compute().backward();
                optimizers[term.Network].step();
            }
        }
        Step(0);
        Step(1);                                                      // optimizer state and gradients now exist
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (long i = 2; i < 6; i++) Step(i);
        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(before));
        foreach (var o in optimizers.Values) o.Dispose();
    }
}
