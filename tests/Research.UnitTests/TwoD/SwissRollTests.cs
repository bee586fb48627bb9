using Research.Data.TwoD;
using TorchSharp;
using static TorchSharp.torch;

using Research.UnitTests;
namespace Research.UnitTests.TwoD;

public class SwissRollTests
{
    private static readonly SwissRollOptions Small = new() { NumSamples = 5_000, Seed = 11 };

    [Test]
    public void Create_SmallOptions_HasShapesLabelsAndNoModes()
    {
        using var set = SwissRoll.Create(Small);
        Assert.That(set.Points.shape, Is.EqualTo(new long[] { 5_000, 2 }));
        Assert.That(set.NumClasses, Is.EqualTo(8));
        Assert.That(set.Labels.min().item<long>(), Is.EqualTo(0));
        Assert.That(set.Labels.max().item<long>(), Is.EqualTo(7));
        Assert.That(set.Modes, Is.Null);
    }

    [Test]
    public void Create_NoNoise_PointsLieOnTheSpiralAndLabelsFollowTheArc()
    {
        using var set = SwissRoll.Create(new SwissRollOptions { NumSamples = 2_000, Noise = 0, NumSegments = 4 });
        using var radius = set.Points.to(float64).norm(1);                    // r = t on the noise-free roll
        var r = radius.data<double>().ToArray();
        var labels = set.Labels.data<long>().ToArray();
        var xy = set.Points.data<float>().ToArray();
        for (var i = 0; i < r.Length; i++)
        {
            Assert.That(r[i], Is.InRange(SwissRoll.MinT - 1e-4, SwissRoll.MaxT + 1e-4));
            Assert.That(xy[2 * i], Is.EqualTo(r[i] * Math.Cos(r[i])).Within(1e-3));
            var expected = Math.Min(3, (int)Math.Floor((r[i] - SwissRoll.MinT) / (SwissRoll.MaxT - SwissRoll.MinT) * 4));
            Assert.That(labels[i], Is.EqualTo(expected).Within(1), "labels may differ by one only at float32 segment edges");
        }
    }

    [Test]
    public void Create_SameSeedSameTensors_DifferentSeedDifferent()
    {
        using var a = SwissRoll.Create(Small);
        using var b = SwissRoll.Create(Small);
        using var c = SwissRoll.Create(new SwissRollOptions { NumSamples = 5_000, Seed = 12 });
        Assert.That(TestTensors.AreIdentical(a.Points, b.Points), Is.True);
        Assert.That(TestTensors.AreIdentical(a.Labels, b.Labels), Is.True);
        Assert.That(TestTensors.AreIdentical(a.Points, c.Points), Is.False);
    }

    [Test]
    public void Normalize_On_FitsTheUnitBoxAndRoundTrips()
    {
        using var set = SwissRoll.Create(Small);
        Assert.That(set.Scale, Is.EqualTo(SwissRoll.MaxT + 3.0).Within(1e-12));
        using var model = set.ToModelSpace(set.Points);
        Assert.That(model.abs().max().item<float>(), Is.LessThan(1.1f));
        using var back = set.ToDataSpace(model);
        Assert.That(back.allclose(set.Points, rtol: 0, atol: 1e-5), Is.True);
    }

    [Test]
    public void Validate_BadValues_ReturnsMessages()
    {
        var errors = new SwissRollOptions { NumSamples = 0, Noise = -1, NumSegments = 0, Seed = -2 }.Validate().ToList();
        Assert.That(errors, Has.Count.EqualTo(4));
        Assert.That(new SwissRollOptions().Validate(), Is.Empty);
    }
}
