using Research.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Training;

public class GradientClippingTests
{
    [Test]
    public void ClipByGlobalNorm_LargeGradient_ScaledToMaxNormAndReturnsPreClipNorm()
    {
        using var lin = nn.Linear(4, 4);
        using (var x = ones(8, 4) * 100) using (var loss = lin.call(x).sum()) loss.backward();
        var ps = lin.parameters().ToList();
        double before = Math.Sqrt(ps.Sum(p => p.grad!.pow(2).sum().item<float>()));
        using var norm = GradientClipping.ClipByGlobalNorm(ps, 1.0)!;
        double after = Math.Sqrt(ps.Sum(p => p.grad!.pow(2).sum().item<float>()));
        Assert.That(norm.item<float>(), Is.EqualTo(before).Within(1e-3 * before));
        Assert.That(after, Is.EqualTo(1.0).Within(1e-4));
    }

    [Test]
    public void ClipByGlobalNorm_SmallGradient_Unchanged()
    {
        using var lin = nn.Linear(2, 1);
        using (var loss = lin.call(ones(1, 2) * 1e-3).sum()) loss.backward();
        using var g0 = lin.weight!.grad!.clone();
        using var _ = GradientClipping.ClipByGlobalNorm(lin.parameters(), 10.0);
        Assert.That(TestTensors.AreIdentical(lin.weight!.grad!, g0), Is.True);
    }
}
