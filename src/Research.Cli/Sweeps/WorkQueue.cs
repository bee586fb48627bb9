using System.Collections.Concurrent;

namespace Research.Cli.Sweeps;

/// <summary>
/// Runs items on at most N threads, each free thread taking the next item in list order. <c>Parallel.ForEach</c> over a
/// list splits it into N ranges up front, so one worker would run the first half of a sweep and another the second half,
/// however long each point takes (a sweep of long DDPM points followed by short GAN points left one worker idle for hours).
/// </summary>
public static class WorkQueue
{
    /// <summary>Calls <paramref name="body"/> for every item, in order of start, at most <paramref name="workers"/> at once.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancel"/> fired: no further item starts; running ones finish.</exception>
    public static void Run<T>(IReadOnlyList<T> items, int workers, CancellationToken cancel, Action<T> body)
    {
        Parallel.ForEach(Partitioner.Create(items, EnumerablePartitionerOptions.NoBuffering),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, workers), CancellationToken = cancel }, body);
    }
}
