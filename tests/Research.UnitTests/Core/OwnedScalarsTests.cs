using Research.Core.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Core;

/// <summary>The owned-Scalar helpers the samplers use must give the bits of TorchSharp's operators they replace.</summary>
public class OwnedScalarsTests
{
    [TestCase(0.9999)]
    [TestCase(1.0 / 3.0)]
    [TestCase(-17.25)]
    [TestCase(1e-7)]
    public void Helpers_MatchTheOperatorsBitForBit(double value)
    {
        using var g = new Generator(7);
        using var x = randn([1000, 2], generator: g).mul_(5);
        using var times = x.Times(value);
        using var timesOp = x * value;
        using var over = x.Over(value);
        using var overOp = x / value;
        using var clamped = x.ClampTo(-1.0, value);
        using var clampedOp = x.clamp(-1.0, value);
        Assert.That(TestTensors.AreIdentical(times, timesOp), Is.True);
        Assert.That(TestTensors.AreIdentical(over, overOp), Is.True);
        Assert.That(TestTensors.AreIdentical(clamped, clampedOp), Is.True);
        Assert.That(TestTensors.AreIdentical(times, x), Is.False);
    }
}
