using Research.Core.Adversarial;
using Research.Core.Parameterizations;
using Research.Core.Schedules;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.UnitTests.Adversarial;

/// <summary>The shared posterior step and chain of the GAN families.</summary>
public sealed class GanChainSamplerTests
{
    [Test]
    public void PosteriorStep_MixedSteps_ReturnsX0ExactlyAtZeroAndPosteriorElsewhere()
    {
        using var schedule = NoiseSchedule.Create(new ScheduleOptions { Type = "ddgan-vp", NumTimesteps = 4 });
        using var scope = NewDisposeScope();
        var x0 = full([3, 2], 0.3f);
        var xt = full([3, 2], -0.8f);
        var t = tensor(new long[] { 0, 2, 2 });
        using var g = new Generator(2);
        var xPrev = GanChainSampler.PosteriorStep(schedule, x0, xt, t, g);
        Assert.That(TestTensors.AreIdentical(xPrev[0], x0[0]), Is.True, "t = 0 returns x̂₀ itself");
        // Rows 1 and 2 share t and inputs but not noise: mean c1·x0 + c2·xt plus √β̃·n with different n.
        Assert.That(TestTensors.AreIdentical(xPrev[1], xPrev[2]), Is.False);
        double mean = schedule.PosteriorMeanCoef1[2] * 0.3 + schedule.PosteriorMeanCoef2[2] * -0.8;
        Assert.That(Math.Abs(xPrev[1, 0].item<float>() - mean), Is.LessThan(6 * Math.Sqrt(schedule.PosteriorVariance[2])));
    }

    [Test]
    public void Sample_CountingStep_CallsStepTTimesFromTMinusOneDown()
    {
        var seen = new List<long>();
        using var g = new Generator(1);
        using var x = GanChainSampler.Sample(3, (x, t) => { seen.Add(t[0].item<long>()); return x + 1; }, [2],
            new SampleRequest { NumSamples = 5, Generator = g, BatchSize = 5 }, CPU);
        Assert.That(seen, Is.EqualTo(new long[] { 2, 1, 0 }));
        Assert.That(x.shape, Is.EqualTo(new long[] { 5, 2 }));
    }

    [Test]
    public void CheckSteps_ForeignCount_ThrowsWithTheTrainedCount()
    {
        using var g = new Generator(1);
        var e = Assert.Throws<ArgumentException>(() => GanChainSampler.CheckSteps("ddgan", 4, new SampleRequest { NumSamples = 1, Generator = g, Steps = "8" }));
        Assert.That(e!.Message, Does.Contain("4 step(s)").And.Contain("'8'"));
    }
}
