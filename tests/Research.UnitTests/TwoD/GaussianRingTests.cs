using Research.Data.TwoD;
using TorchSharp;
using static TorchSharp.torch;

using Research.UnitTests;
namespace Research.UnitTests.TwoD;

public class GaussianRingTests
{
    private static readonly GaussianRingOptions Small = new() { NumPerMode = 1_000, Seed = 3 };

    [Test]
    public void Modes_DefaultOptions_AreEightPointsOnRadiusTwo()
    {
        var modes = GaussianRing.Modes(new GaussianRingOptions());
        Assert.That(modes.Count, Is.EqualTo(8));
        Assert.That(modes.Sigma, Is.EqualTo(0.02));
        Assert.That(modes.Means.Select(m => Math.Sqrt(m.X * m.X + m.Y * m.Y)), Is.All.EqualTo(2.0).Within(1e-12));
        Assert.That(modes.Means[0].X, Is.EqualTo(2.0).Within(1e-12));
        Assert.That(modes.Means[2].Y, Is.EqualTo(2.0).Within(1e-12));
    }

    [Test]
    public void Create_SmallOptions_HasShapesAndComponentMeans()
    {
        using var set = GaussianRing.Create(Small);
        Assert.That(set.Points.shape, Is.EqualTo(new long[] { 8_000, 2 }));
        Assert.That(set.NumClasses, Is.EqualTo(8));
        for (var k = 0; k < 8; k++)
        {
            using var mask = set.Labels.eq(k);
            using var members = set.Points[mask];
            using var mean = members.to(float64).mean([0]);
            var m = mean.data<double>().ToArray();
            Assert.That(m[0], Is.EqualTo(set.Modes!.Means[k].X).Within(0.005));
            Assert.That(m[1], Is.EqualTo(set.Modes.Means[k].Y).Within(0.005));
        }
    }

    [Test]
    public void Create_SameSeedSameTensors_DifferentSeedDifferent()
    {
        using var a = GaussianRing.Create(Small);
        using var b = GaussianRing.Create(Small);
        using var c = GaussianRing.Create(new GaussianRingOptions { NumPerMode = 1_000, Seed = 4 });
        Assert.That(TestTensors.AreIdentical(a.Points, b.Points), Is.True);
        Assert.That(TestTensors.AreIdentical(a.Points, c.Points), Is.False);
    }

    [Test]
    public void Normalize_On_ScalesByRadiusPlusThreeSigmaAndRoundTrips()
    {
        using var set = GaussianRing.Create(Small);
        Assert.That(set.Scale, Is.EqualTo(2.06).Within(1e-12));
        using var model = set.ToModelSpace(set.Points);
        Assert.That(model.abs().max().item<float>(), Is.LessThan(1.05f));
        using var back = set.ToDataSpace(model);
        Assert.That(back.allclose(set.Points, rtol: 0, atol: 1e-6), Is.True);
    }

    [Test]
    public void Validate_BadValues_ReturnsMessages()
    {
        var errors = new GaussianRingOptions { NumModes = 0, Radius = -1, Sigma = 0, NumPerMode = -5 }.Validate().ToList();
        Assert.That(errors, Has.Count.EqualTo(4));
        Assert.That(new GaussianRingOptions().Validate(), Is.Empty);
    }
}
