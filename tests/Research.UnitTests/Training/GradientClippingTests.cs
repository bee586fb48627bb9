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

    // The trainer decides on the host whether to multiply (GradientClipping.Scales) from the float32 norm it reads; the
    // decision must match the device's float32 coefficient bit for bit, or skipping would change training. Norms a few
    // ulps either side of the boundary max − 1e-6, for several max values, plus a spread of ordinary norms.
    [TestCase(1.0)]
    [TestCase(0.5)]
    [TestCase(3.0)]
    [TestCase(0.1)]
    public void Scales_AgreesWithTheDeviceCoefficient(double maxNorm)
    {
        var boundary = (float)maxNorm - 1e-6f;
        var norms = new List<float> { 0f, 1e-30f, (float)maxNorm, 10f * (float)maxNorm, 1e20f };
        for (int k = -40; k <= 40; k++) norms.Add(BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(boundary) + k));
        var rng = new Random(1);
        for (int i = 0; i < 200; i++) norms.Add((float)(maxNorm * Math.Exp(rng.NextDouble() * 4 - 2)));
        int scaled = 0, kept = 0;
        foreach (var norm in norms)
        {
            using var g = ones(3);
            using var total = tensor(norm);
            GradientClipping.Scale([g], total, maxNorm);
            bool changed = !g.eq(1f).all().item<bool>();
            Assert.That(GradientClipping.Scales(norm, maxNorm), Is.EqualTo(changed), $"norm {norm:R} (bits {BitConverter.SingleToInt32Bits(norm)}), max {maxNorm}");
            if (changed) scaled++; else kept++;
        }
        Assert.That(scaled, Is.GreaterThan(50));
        Assert.That(kept, Is.GreaterThan(50));
    }
}
