using Research.Core.Schedules;

namespace Research.UnitTests.Schedules;

/// <summary><see cref="NoiseSchedule.SpaceTimesteps"/> and <see cref="NoiseSchedule.Respace"/> (docs/methods.md §2.4).</summary>
public sealed class NoiseScheduleRespacingTests
{
    [Test]
    public void SpaceTimesteps_250OfThousand_StartsEvery4AndEndsAt999()
    {
        var kept = NoiseSchedule.SpaceTimesteps(1000, "250");
        Assert.That(kept, Has.Length.EqualTo(250));
        Assert.That(kept[..3], Is.EqualTo(new[] { 0, 4, 8 }));
        Assert.That(kept[^3..], Is.EqualTo(new[] { 991, 995, 999 }));
        Assert.That(kept, Is.Ordered.Ascending.And.Unique);
    }

    [Test]
    public void SpaceTimesteps_4OfThousand_IsEvenThirds() =>
        Assert.That(NoiseSchedule.SpaceTimesteps(1000, "4"), Is.EqualTo(new[] { 0, 333, 666, 999 }));

    [Test]
    public void SpaceTimesteps_10OfThousand_IsMultiplesOf111() =>
        Assert.That(NoiseSchedule.SpaceTimesteps(1000, "10"), Is.EqualTo(Enumerable.Range(0, 10).Select(j => 111 * j)));

    [Test]
    public void SpaceTimesteps_SectionsOf300_FirstSectionIsMultiplesOf11()
    {
        var kept = NoiseSchedule.SpaceTimesteps(300, "10,15,20");
        Assert.That(kept, Has.Length.EqualTo(45));
        Assert.That(kept[..10], Is.EqualTo(Enumerable.Range(0, 10).Select(j => 11 * j)));
        Assert.That(kept[10], Is.EqualTo(100), "second section starts at 100");
        Assert.That(kept[^1], Is.EqualTo(299));
    }

    [Test]
    public void SpaceTimesteps_Ddim25OfThousand_UsesStride40AndEndsAt960()
    {
        var kept = NoiseSchedule.SpaceTimesteps(1000, "ddim25");
        Assert.That(kept, Is.EqualTo(Enumerable.Range(0, 25).Select(j => 40 * j)));
    }

    [Test]
    public void SpaceTimesteps_CountEqualToT_IsIdentity() =>
        Assert.That(NoiseSchedule.SpaceTimesteps(7, "7"), Is.EqualTo(Enumerable.Range(0, 7)));

    [TestCase("ddim600", "cannot create exactly 600")]
    [TestCase("ddim1", "cannot create exactly 1")]
    [TestCase("ddim0", "positive integer")]
    [TestCase("ddimx", "positive integer")]
    [TestCase("ddim", "positive integer")]
    [TestCase("1001", "only 1000")]
    [TestCase("600,600", "only 500")]
    [TestCase("10,abc", "section 2")]
    [TestCase("10,", "section 2")]
    [TestCase("2.5", "positive integer")]
    [TestCase("-4", "positive integer")]
    [TestCase("0", "positive integer")]
    [TestCase("", "empty")]
    [TestCase("   ", "empty")]
    public void SpaceTimesteps_BadSpec_ThrowsArgumentExceptionSayingWhy(string spec, string reason)
    {
        var ex = Assert.Throws<ArgumentException>(() => NoiseSchedule.SpaceTimesteps(1000, spec));
        Assert.That(ex!.Message, Does.Contain(reason));
    }

    [Test]
    public void SpaceTimesteps_DdimCountWithoutIntegerStride_Throws()
    {
        // T = 10: stride 1 gives 10 steps and stride 2 gives 5, so 7 is unreachable. (At T = 1000, ddim7 is fine:
        // stride 143 gives exactly 7.)
        var ex = Assert.Throws<ArgumentException>(() => NoiseSchedule.SpaceTimesteps(10, "ddim7"));
        Assert.That(ex!.Message, Does.Contain("cannot create exactly 7 steps out of 10"));
        Assert.That(NoiseSchedule.SpaceTimesteps(1000, "ddim7"), Is.EqualTo(Enumerable.Range(0, 7).Select(j => 143 * j)));
    }

    [Test]
    public void SpaceTimesteps_MoreSectionsThanSteps_Throws() =>
        Assert.Throws<ArgumentException>(() => NoiseSchedule.SpaceTimesteps(2, "1,1,1"));

    [Test]
    public void Respace_BadSpec_ThrowsArgumentException()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions());
        Assert.Throws<ArgumentException>(() => schedule.Respace("ddim600"));
    }

    [Test]
    public void Respace_AlphaBarsAreTheRetainedOnesOfTheOriginal()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "cosine" });
        using var respaced = schedule.Respace("10,15,20");
        var expected = respaced.TimestepMap.Select(i => schedule.AlphaBars[i]).ToArray();
        Assert.That(respaced.AlphaBars, Is.EqualTo(expected).Within(1e-8).Percent);
        Assert.That(schedule.TimestepMap, Is.EqualTo(Enumerable.Range(0, 1000)), "un-respaced map is the identity");
    }

    [Test]
    public void Respace_Twice_MapComposesIntoTheOriginalSchedule()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions());
        using var ddim50 = schedule.Respace("ddim50"); // 0, 20, …, 980
        using var again = ddim50.Respace("ddim10"); // every 5th of those
        Assert.That(again.TimestepMap, Is.EqualTo(Enumerable.Range(0, 10).Select(j => 100 * j)));
        Assert.That(again.OriginalNumTimesteps, Is.EqualTo(1000));
        Assert.That(again.NumTimesteps, Is.EqualTo(10));
        Assert.That(again.AlphaBars[3], Is.EqualTo(schedule.AlphaBars[300]).Within(1e-10).Percent);
    }

    [Test]
    public void Respace_DdganSchedule_KeepsConventionAndBeta0()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = 8 });
        using var respaced = schedule.Respace("4");
        Assert.That(respaced.Convention, Is.EqualTo(ScheduleConvention.Ddgan));
        Assert.That(respaced.Beta0, Is.EqualTo(schedule.Beta0));
        Assert.That(respaced.TimestepMap, Is.EqualTo(new[] { 0, 2, 5, 7 }));
        Assert.That(respaced.AlphaBars[^1], Is.EqualTo(schedule.AlphaBars[^1]).Within(0.01).Percent);
    }
}
