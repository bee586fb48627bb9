using Research.Core.Adversarial;
using static TorchSharp.torch;

namespace Research.UnitTests.Adversarial;

/// <summary>The non-saturating losses against their closed forms −log σ(±D).</summary>
public sealed class GanLossesTests
{
    [Test]
    public void Losses_KnownLogits_MatchMinusLogSigmoid()
    {
        using var logits = tensor(new[] { -2.0, 0.0, 3.0 }, dtype: float64);
        double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
        double realExpected = new[] { -2.0, 0.0, 3.0 }.Average(v => -Math.Log(Sigmoid(v)));
        double fakeExpected = new[] { -2.0, 0.0, 3.0 }.Average(v => -Math.Log(1 - Sigmoid(v)));
        using var real = GanLosses.DiscriminatorReal(logits);
        using var fake = GanLosses.DiscriminatorFake(logits);
        using var gen = GanLosses.Generator(logits);
        Assert.That(real.item<double>(), Is.EqualTo(realExpected).Within(1e-12));
        Assert.That(fake.item<double>(), Is.EqualTo(fakeExpected).Within(1e-12));
        Assert.That(gen.item<double>(), Is.EqualTo(realExpected).Within(1e-12), "non-saturating: G maximises log D(fake)");
    }
}
