using Research.Data.TwoD;
using TorchSharp;
using static TorchSharp.torch;

using Research.UnitTests;
namespace Research.UnitTests.TwoD;

public class GaussianGridTests
{
    private static readonly GaussianGridOptions Small = new() { NumPerMode = 2_000, Seed = 7 };

    [Test]
    public void Create_DefaultOptions_Has25ModesOf10000PointsEach()
    {
        using var set = GaussianGrid.Create(new GaussianGridOptions());
        Assert.That(set.Count, Is.EqualTo(250_000));
        Assert.That(set.NumClasses, Is.EqualTo(25));
        Assert.That(set.SampleShape, Is.EqualTo(new long[] { 2 }));
        Assert.That(set.Points.shape, Is.EqualTo(new long[] { 250_000, 2 }));
        Assert.That(set.Points.dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(set.Labels.shape, Is.EqualTo(new long[] { 250_000 }));
        Assert.That(set.Labels.dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(set.Modes, Is.Not.Null);
        Assert.That(set.Modes!.Count, Is.EqualTo(25));
        Assert.That(set.Modes.Sigma, Is.EqualTo(1.0 / 3.0));
    }

    [Test]
    public void Modes_DefaultOptions_AreMultiplesOfFiveInLabelOrder()
    {
        var modes = GaussianGrid.Modes(new GaussianGridOptions());
        Assert.That(modes.Means[0], Is.EqualTo((0.0, 0.0)));
        Assert.That(modes.Means[1], Is.EqualTo((0.0, 5.0)));
        Assert.That(modes.Means[5], Is.EqualTo((5.0, 0.0)));
        Assert.That(modes.Means[24], Is.EqualTo((20.0, 20.0)));
    }

    [Test]
    public void Labels_EveryComponent_AppearsNumPerModeTimes()
    {
        using var set = GaussianGrid.Create(Small);
        using var counts = set.Labels.bincount(null);
        Assert.That(set.Labels.min().item<long>(), Is.EqualTo(0));
        Assert.That(set.Labels.max().item<long>(), Is.EqualTo(24));
        Assert.That(counts.data<long>().ToArray(), Is.All.EqualTo(2_000));
    }

    [Test]
    public void ComponentMean_EachLabel_IsCloseToItsMode()
    {
        using var set = GaussianGrid.Create(Small);
        var modes = set.Modes!;
        for (var k = 0; k < modes.Count; k++)
        {
            using var mask = set.Labels.eq(k);
            using var members = set.Points[mask];
            using var mean = members.to(float64).mean([0]);
            var m = mean.data<double>().ToArray();
            // std of the mean ≈ (1/3)/√2000 ≈ 0.0075; 0.04 is > 5 of them.
            Assert.That(m[0], Is.EqualTo(modes.Means[k].X).Within(0.04), $"component {k} x");
            Assert.That(m[1], Is.EqualTo(modes.Means[k].Y).Within(0.04), $"component {k} y");
        }
    }

    [Test]
    public void Noise_ClipOn_StaysWithinOneOfTheMean()
    {
        using var set = GaussianGrid.Create(Small);
        using var offsets = OffsetsFromModes(set);
        Assert.That(offsets.abs().max().item<double>(), Is.LessThanOrEqualTo(1.0 + 1e-6));
    }

    [Test]
    public void Noise_ClipOff_ExceedsOneSomewhere()
    {
        using var set = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 2_000, ClipNoise = false, Seed = 7 });
        using var offsets = OffsetsFromModes(set);
        // P(|N(0,1/9)| > 1) ≈ 0.0027 per coordinate, 100,000 coordinates.
        Assert.That(offsets.abs().max().item<double>(), Is.GreaterThan(1.0));
        Assert.That(offsets.std().item<double>(), Is.EqualTo(1.0 / 3.0).Within(0.01));
    }

    [Test]
    public void Create_SameSeed_GivesIdenticalTensors()
    {
        using var a = GaussianGrid.Create(Small);
        using var b = GaussianGrid.Create(Small);
        Assert.That(TestTensors.AreIdentical(a.Points, b.Points), Is.True);
        Assert.That(TestTensors.AreIdentical(a.Labels, b.Labels), Is.True);
    }

    [Test]
    public void Create_DifferentSeed_GivesDifferentPoints()
    {
        using var a = GaussianGrid.Create(Small);
        using var b = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 2_000, Seed = 8 });
        Assert.That(TestTensors.AreIdentical(a.Points, b.Points), Is.False);
    }

    [Test]
    public void Normalize_On_PutsModelSpaceInUnitBoxAndRoundTrips()
    {
        using var set = GaussianGrid.Create(Small);
        Assert.That(set.Center, Is.EqualTo((10.0, 10.0)));
        Assert.That(set.Scale, Is.EqualTo(11.0).Within(1e-12));
        using var model = set.ToModelSpace(set.Points);
        Assert.That(model.abs().max().item<float>(), Is.LessThanOrEqualTo(1.0f));
        using var back = set.ToDataSpace(model);
        Assert.That(back.allclose(set.Points, rtol: 0, atol: 1e-5), Is.True);
    }

    [Test]
    public void Normalize_Off_LeavesModelSpaceEqualToDataSpace()
    {
        using var set = GaussianGrid.Create(new GaussianGridOptions { NumPerMode = 10, Normalize = false });
        using var model = set.ToModelSpace(set.Points);
        Assert.That(TestTensors.AreIdentical(model, set.Points), Is.True);
    }

    [Test]
    public void Validate_BadValues_ReturnsOneMessagePerKey()
    {
        var errors = new GaussianGridOptions { NumPerMode = 0, Sigma = -1, Spacing = double.NaN, GridSize = 0, Seed = -1 }
            .Validate().ToList();
        Assert.That(errors, Has.Count.EqualTo(5));
        foreach (var key in new[] { "num_per_mode", "sigma", "spacing", "grid_size", "seed" })
            Assert.That(errors, Has.Some.StartsWith(key));
        Assert.That(new GaussianGridOptions().Validate(), Is.Empty);
    }

    [Test]
    public void Create_InvalidOptions_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<ArgumentException>(() => GaussianGrid.Create(new GaussianGridOptions { Sigma = 0 }));
        Assert.That(ex!.Message, Does.Contain("sigma"));
    }

    private static Tensor OffsetsFromModes(PointSet2D set)
    {
        var flat = set.Modes!.Means.SelectMany(m => new[] { m.X, m.Y }).ToArray();
        using var means = tensor(flat, [set.Modes.Count, 2], dtype: float64);
        using var perPoint = means.index_select(0, set.Labels);
        return set.Points.to(float64) - perPoint; // [N, 2]
    }
}
