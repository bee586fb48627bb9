using Research.Evaluation.Metrics;
using static TorchSharp.torch;

namespace Research.UnitTests.Metrics;

public class SamplingTimerTests
{
    [Test]
    public void Median_OddAndEvenCounts()
    {
        Assert.That(SamplingTimer.Median([5.0, 1.0, 3.0]), Is.EqualTo(3.0));
        Assert.That(SamplingTimer.Median([4.0, 1.0, 3.0, 2.0]), Is.EqualTo(2.5));
    }

    [Test]
    public void Measure_WarmUpThenTimedRuns_ReportsTheMedianPerSample()
    {
        int calls = 0;
        // The warm-up call is slow (80 ms) and must not count; timed calls sleep 10, 30, 20 ms → median ≈ 20 ms.
        int[] sleeps = [80, 10, 30, 20];
        Tensor Sample()
        {
            Thread.Sleep(sleeps[calls++]);
            return zeros(4, 2);
        }

        var cost = SamplingTimer.Measure(Sample, numSamples: 4, nfe: 2, repeats: 3, warmups: 1);
        Assert.That(calls, Is.EqualTo(4));
        Assert.That(cost.RunsMs, Has.Count.EqualTo(3));
        Assert.That(cost.MedianMs, Is.EqualTo(cost.RunsMs.OrderBy(v => v).ElementAt(1)));
        Assert.That(cost.MedianMs, Is.InRange(19.0, 500.0), "the 20 ms run (generous: a loaded machine oversleeps)");
        Assert.That(cost.MsPer1000, Is.EqualTo(cost.MedianMs / 4 * 1000).Within(1e-9));
        Assert.That(cost.Nfe, Is.EqualTo(2));
    }
}
