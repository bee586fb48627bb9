using System.Collections.Concurrent;
using System.Diagnostics;
using Research.Cli.Sweeps;

namespace Research.IntegrationTests;

/// <summary>The order in which sweep workers take points: the next pending one when a worker frees, never a pre-split range.</summary>
public class WorkQueueTests
{
    [Test]
    public void Run_TwoWorkers_AFreeWorkerTakesTheNextItemWhileALongOneRuns()
    {
        // Item 0 is long, the rest short: items 1, 2, 3 must all run on the second worker while item 0 runs.
        // Splitting the list into ranges ([0, 1] and [2, 3]) would start item 2 at once and item 1 only after item 0.
        var started = new ConcurrentQueue<int>();
        var clock = Stopwatch.StartNew();
        var startMs = new ConcurrentDictionary<int, long>();
        var endMs = new ConcurrentDictionary<int, long>();
        WorkQueue.Run([0, 1, 2, 3], 2, CancellationToken.None, i =>
        {
            started.Enqueue(i);
            startMs[i] = clock.ElapsedMilliseconds;
            Thread.Sleep(i == 0 ? 1500 : 50);
            endMs[i] = clock.ElapsedMilliseconds;
        });
        Assert.That(started.Take(2), Is.EquivalentTo(new[] { 0, 1 }));
        Assert.That(started.ToArray()[2..], Is.EqualTo(new[] { 2, 3 }));
        Assert.That(startMs[3], Is.LessThan(endMs[0]), "item 3 waited for the long item 0");
    }

    [Test]
    public void Run_OneWorker_ListOrder()
    {
        var order = new List<int>();
        WorkQueue.Run([3, 1, 2], 1, CancellationToken.None, order.Add);
        Assert.That(order, Is.EqualTo(new[] { 3, 1, 2 }));
    }
}
