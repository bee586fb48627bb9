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
