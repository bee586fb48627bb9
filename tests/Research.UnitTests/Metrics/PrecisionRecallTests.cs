using Research.Evaluation.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

public class PrecisionRecallTests
{
    [Test]
    public void Compute_IdenticalSets_IsOneAndOne()
    {
        using var g = new Generator(1);
        using var x = randn([300, 8], generator: g);
        var result = PrecisionRecall.Compute(x, x);
        Assert.That(result.Precision, Is.EqualTo(1.0));
        Assert.That(result.Recall, Is.EqualTo(1.0));
        Assert.That(result.K, Is.EqualTo(3));
    }

    [Test]
    public void Compute_DisjointFarSets_IsZeroAndZero()
    {
        using var g = new Generator(2);
        using var real = randn([300, 8], generator: g);
        using var far = randn([200, 8], generator: g) + 100f;
        var result = PrecisionRecall.Compute(real, far);
        Assert.That(result.Precision, Is.EqualTo(0.0));
        Assert.That(result.Recall, Is.EqualTo(0.0));
    }

    [Test]
    public void Compute_GeneratedCoversHalfTheSupport_RecallIsAboutHalfAndPrecisionAboutOne()
    {
        // Real: uniform on [0, 2] × [0, 1]; generated: uniform on [0, 1]², same density. Generated points lie inside
        // the real support (precision ≈ 1); real points in the left half are covered (recall ≈ 0.5, plus a strip about
        // one k-NN radius ≈ √(3 / (π · 1000)) ≈ 0.03 wide past x = 1, i.e. ≈ +0.015).
        using var g = new Generator(3);
        using var u = rand([2000, 2], generator: g);
        using var real = u * tensor(new float[] { 2, 1 });
        using var generated = rand([1000, 2], generator: g);
        var result = PrecisionRecall.Compute(real, generated);
        TestContext.Out.WriteLine($"precision {result.Precision:F3}, recall {result.Recall:F3}");
        Assert.That(result.Recall, Is.InRange(0.45, 0.57));
        Assert.That(result.Precision, Is.GreaterThan(0.95));
    }

    [Test]
    public void Compute_TinyBlocks_GiveTheSameAnswerAsOneBlock()
    {
        using var g = new Generator(4);
        using var real = randn([120, 5], generator: g);
        using var generated = randn([90, 5], generator: g) * 1.5f + 0.3f;
        var whole = PrecisionRecall.Compute(real, generated);
        var blocked = PrecisionRecall.Compute(real, generated, blockElements: 7);
        Assert.That(blocked, Is.EqualTo(whole));
    }

    [Test]
    public void KthNeighbourSquaredRadii_PointsOnALine_AreTheKnownDistances()
    {
        using var line = arange(10, dtype: float32).unsqueeze(1);              // 0, 1, …, 9 on a line
        using var k1 = PrecisionRecall.KthNeighbourSquaredRadii(line, 1);
        Assert.That(k1.data<float>().ToArray(), Is.All.EqualTo(1f));
        using var k2 = PrecisionRecall.KthNeighbourSquaredRadii(line, 2);    // ends: 2² = 4; inside: 1
        Assert.That(k2.data<float>().ToArray(), Is.EqualTo(new float[] { 4, 1, 1, 1, 1, 1, 1, 1, 1, 4 }));
    }
}
