using Research.Data.TwoD;
using TorchSharp;
using static TorchSharp.torch;

using Research.UnitTests;
namespace Research.UnitTests.TwoD;

public class PointSet2DTests
{
    [Test]
    public void NextBatch_SameGeneratorSeed_GivesIdenticalBatches()
    {
        using var set = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 100 });
        using var g1 = new Generator(123);
        using var g2 = new Generator(123);
        var a = set.NextBatch(64, g1);
        var b = set.NextBatch(64, g2);
        Assert.That(TestTensors.AreIdentical(a.X0, b.X0), Is.True);
        Assert.That(TestTensors.AreIdentical(a.Labels!, b.Labels!), Is.True);
        var c = set.NextBatch(64, g1);
        Assert.That(TestTensors.AreIdentical(c.X0, a.X0), Is.False, "the generator advances");
        foreach (var t in new[] { a.X0, a.Labels, b.X0, b.Labels, c.X0, c.Labels }) t!.Dispose();
    }

    [Test]
    public void NextBatch_Always_ReturnsModelSpacePointsWithTheirLabels()
    {
        using var set = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 100 });
        using var g = new Generator(5);
        var batch = set.NextBatch(256, g);
        using var x0 = batch.X0;
        using var labels = batch.Labels!;
        Assert.That(x0.shape, Is.EqualTo(new long[] { 256, 2 }));
        Assert.That(x0.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(labels.dtype, Is.EqualTo(ScalarType.Int64));
        // Each point, mapped back, lies within the clip box of its labelled component.
        using var data = set.ToDataSpace(x0);
        var xy = data.data<float>().ToArray();
        var ks = labels.data<long>().ToArray();
        for (var i = 0; i < ks.Length; i++)
        {
            var mode = set.Modes!.Means[(int)ks[i]];
            Assert.That(Math.Abs(xy[2 * i] - mode.X), Is.LessThanOrEqualTo(1.0001));
            Assert.That(Math.Abs(xy[2 * i + 1] - mode.Y), Is.LessThanOrEqualTo(1.0001));
        }
    }

    [Test]
    public void Constructor_Always_CopiesItsInputs()
    {
        using var points = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]);
        using var labels = tensor(new long[] { 0, 1 });
        using var set = new PointSet2D("tiny", points, labels, 2, (1.0, 1.0), 2.0, modes: null);
        points.fill_(0);
        Assert.That(set.Points.data<float>().ToArray(), Is.EqualTo(new float[] { 1, 2, 3, 4 }));
    }

    [Test]
    public void Constructor_Int32Labels_AreStoredAsInt64()
    {
        using var points = zeros(2, 2);
        using var labels = tensor(new[] { 0, 1 });
        using var set = new PointSet2D("int32", points, labels, 2, (0.0, 0.0), 1.0, null);
        Assert.That(set.Labels.dtype, Is.EqualTo(ScalarType.Int64));
    }

    [Test]
    public void Constructor_LabelOutOfRange_Throws()
    {
        using var points = zeros(2, 2);
        using var labels = tensor(new long[] { 0, 2 });
        Assert.Throws<ArgumentException>(() => new PointSet2D("bad", points, labels, 2, (0.0, 0.0), 1.0, null).Dispose());
    }

    [Test]
    public void Points_AfterDispose_Throws()
    {
        var set = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 1 });
        set.Dispose();
        Assert.Throws<ObjectDisposedException>(() => _ = set.Points);
    }
}
