using Research.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

public class EmaTests
{
    [Test]
    public void Update_Decay_MatchesClosedForm()
    {
        using var lin = nn.Linear(3, 2);
        using var ema = new Ema(lin);
        using var w0 = lin.weight!.detach().clone();
        using (no_grad()) lin.weight!.add_(1.0);
        ema.Update(0.9);
        var shadow = ema.State().First(p => p.Key == "weight").Value;
        using var expected = w0 * 0.9 + (w0 + 1.0) * 0.1;
        Assert.That(shadow.allclose(expected, 1e-6, 1e-6), Is.True);
    }

    [Test]
    public void SwapIn_Dispose_RestoresTrainingWeightsBitExactly()
    {
        using var lin = nn.Linear(3, 2);
        using var ema = new Ema(lin);
        using (no_grad()) lin.weight!.mul_(3.0);
        ema.Update(0.5);
        using var trained = lin.weight!.detach().clone();
        using (ema.SwapIn())
        {
            Assert.That(TestTensors.AreIdentical(lin.weight!, trained), Is.False, "EMA weights must differ while swapped in");
        }
        Assert.That(TestTensors.AreIdentical(lin.weight!, trained), Is.True);
    }
}

/// <summary><see cref="Research.Core.Experiments.EmaOptions.DecayAt"/>: start step and warm-up.</summary>
public sealed class EmaDecayScheduleTests
{
    [Test]
    public void DecayAt_Plain_CopiesBeforeTheStartThenUsesTheDecay()
    {
        var o = new Research.Core.Experiments.EmaOptions { Decay = 0.999, StartStep = 5 };
        Assert.That(o.DecayAt(4), Is.EqualTo(0.0));
        Assert.That(o.DecayAt(5), Is.EqualTo(0.999));
        Assert.That(o.DecayAt(1_000_000), Is.EqualTo(0.999));
    }

    [Test]
    public void DecayAt_Warmup_FollowsOnePlusKOverTenPlusKUntilTheDecay()
    {
        var o = new Research.Core.Experiments.EmaOptions { Decay = 0.999, StartStep = 10, Warmup = true };
        Assert.That(o.DecayAt(9), Is.EqualTo(0.0));
        Assert.That(o.DecayAt(10), Is.EqualTo(0.1).Within(1e-12), "k = 0: (1 + 0)/(10 + 0)");
        Assert.That(o.DecayAt(100), Is.EqualTo(91.0 / 100.0).Within(1e-12), "k = 90");
        Assert.That(o.DecayAt(20_000), Is.EqualTo(0.999), "capped at the decay once (1 + k)/(10 + k) exceeds it");
        // The weight left on the initialisation after 1,000 updates: with warm-up it is negligible.
        double plain = 1, warm = 1;
        var p = new Research.Core.Experiments.EmaOptions { Decay = 0.999 };
        for (long step = 0; step < 1000; step++) { plain *= p.DecayAt(step); warm *= new Research.Core.Experiments.EmaOptions { Decay = 0.999, Warmup = true }.DecayAt(step); }
        Assert.That(plain, Is.EqualTo(Math.Pow(0.999, 1000)).Within(1e-12));
        Assert.That(warm, Is.LessThan(1e-10));
    }
}
