using System.Runtime;

namespace Research.Core.Runtime;

/// <summary>
/// Keeps .NET garbage collections out of training and sampling steps (docs/toolchain.md, "The Scalar finalizer race").
/// <para>
/// TorchSharp turns every bare number and every <c>a + b</c> / <c>a - b</c> of two tensors (an implicit
/// <c>alpha = 1</c>) into a native Scalar it leaves to the finalizer. The P/Invoke passes only the Scalar's handle, so
/// a collection during the native call, triggered by an allocation on any other thread, can find the wrapper dead and
/// the finalizer thread frees the native Scalar while libtorch still reads it: an exception from <c>Scalar.h</c>, or,
/// worse, a silently different number in a seeded run. The operators live in TorchSharp, so no call site of ours can
/// own all of them; what we control is when collections happen.
/// </para>
/// <para>
/// While enabled, the process stays in a no-GC region (<see cref="GC.TryStartNoGCRegion(long)"/>) of
/// <see cref="BudgetBytes"/>. The region is renewed only at a safe point: the entry of a <see cref="Step"/> while no
/// step is open on any thread, once half the budget has been allocated (by any thread), or less is left than twice the
/// most a step has allocated so far. Renewal is where the collections happen, with
/// no native call in flight. A collection anywhere else ends the region early — an allocation beyond the budget, or an
/// explicit <see cref="GC.Collect()"/> — and is counted in <see cref="Counts"/>; the training log's
/// <c>collections_in_steps</c> (those while a step was open) shows whether a run's steps were guarded throughout.
/// </para>
/// </summary>
public static class GcGuard
{
    /// <summary>Default region budget: far above what a step allocates (kilobytes of wrappers), small beside the RAM.</summary>
    public const long DefaultBudgetBytes = 256L << 20;

    private static readonly object Gate = new();
    private static bool _enabled;
    private static int _depth;                 // open steps, all threads
    private static long _regionStart;          // GC.GetTotalAllocatedBytes when the current region began
    private static long _plannedCollections;   // collections the renewals made
    private static long _baseline;             // CollectionCount(0) when enabled
    private static long _renewals;
    private static long _stepStart;            // GC.GetTotalAllocatedBytes at the entry of the outermost open step
    private static long _largestStep;          // most bytes (all threads) allocated during one outermost step so far
    private static int _stepCollections;       // CollectionCount(0) when the outermost open step began
    private static long _inSteps;              // collections while a step was open

    /// <summary>The region size while enabled.</summary>
    public static long BudgetBytes { get; private set; } = DefaultBudgetBytes;

    /// <summary>True while the guard is on (<see cref="Enable"/> until <see cref="Disable"/>).</summary>
    public static bool IsEnabled { get { lock (Gate) return _enabled; } }

    /// <summary>
    /// Turns the guard on (idempotent; a different <paramref name="budgetBytes"/> takes effect at once) and starts a region
    /// now: call it where no native call is in flight, as <see cref="TorchRuntime.Initialize"/> does.
    /// </summary>
    public static void Enable(long budgetBytes = DefaultBudgetBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(budgetBytes, 1L << 20);
        lock (Gate)
        {
            if (!_enabled)
            {
                _baseline = GC.CollectionCount(0);
                _plannedCollections = 0;
                _renewals = 0;
                _inSteps = 0;
            }
            bool resize = _enabled && budgetBytes != BudgetBytes;
            _enabled = true;
            BudgetBytes = budgetBytes;
            if (_depth == 0) Renew(force: resize);
        }
    }

    /// <summary>Ends the region and turns the guard off; collections happen as the runtime decides again.</summary>
    public static void Disable()
    {
        lock (Gate)
        {
            if (!_enabled) return;
            EndRegion();
            _enabled = false;
        }
    }

    /// <summary>Collections since <see cref="Enable"/>: those made at safe points and all others.</summary>
    public static GcGuardCounts Counts
    {
        get
        {
            lock (Gate)
            {
                if (!_enabled) return default;
                long all = GC.CollectionCount(0) - _baseline;
                long open = _depth > 0 ? GC.CollectionCount(0) - _stepCollections : 0;
                return new GcGuardCounts(_renewals, _plannedCollections, all - _plannedCollections, _inSteps + open);
            }
        }
    }

    /// <summary>
    /// Opens one step (a training step, a reverse step of a sampler): its entry is a safe point when no other step is
    /// open. Dispose it when the step ends; nothing happens while the guard is off.
    /// </summary>
    public static StepToken Step()
    {
        lock (Gate)
        {
            if (!_enabled) return default;
            if (_depth == 0)
            {
                Renew(force: false);
                _stepStart = GC.GetTotalAllocatedBytes();
                _stepCollections = GC.CollectionCount(0);
            }
            _depth++;
            return new StepToken(true);
        }
    }

    private static void Exit()
    {
        lock (Gate)
        {
            if (_depth == 0) return;
            if (--_depth > 0) return;
            _largestStep = Math.Max(_largestStep, GC.GetTotalAllocatedBytes() - _stepStart);
            _inSteps += GC.CollectionCount(0) - _stepCollections;
        }
    }

    // At a safe point: keep the region while it holds and the budget left covers twice the largest step seen (and at
    // least half the budget, for what runs between steps); otherwise collect here and start a new one.
    private static void Renew(bool force)
    {
        bool inRegion = GCSettings.LatencyMode == GCLatencyMode.NoGCRegion;
        long left = BudgetBytes - (GC.GetTotalAllocatedBytes() - _regionStart);
        if (inRegion && !force && left > Math.Max(BudgetBytes / 2, 2 * _largestStep)) return;
        int before = GC.CollectionCount(0);
        EndRegion();
        // False, or an ArgumentOutOfRangeException where a runtime's limit is below the budget: the step then runs
        // unguarded, and any collection during it is counted.
        try { GC.TryStartNoGCRegion(BudgetBytes); }
        catch (ArgumentOutOfRangeException) { }
        _plannedCollections += GC.CollectionCount(0) - before;
        _regionStart = GC.GetTotalAllocatedBytes();
        _renewals++;
    }

    private static void EndRegion()
    {
        if (GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
        try { GC.EndNoGCRegion(); }
        catch (InvalidOperationException) { }   // the region had ended in a collection already (counted as unplanned)
    }

    /// <summary>One open step; dispose it when the step ends.</summary>
    public readonly struct StepToken : IDisposable
    {
        private readonly bool _open;
        internal StepToken(bool open) => _open = open;

        /// <summary>Closes the step.</summary>
        public void Dispose()
        {
            if (_open) Exit();
        }
    }
}

/// <summary>Collections since <see cref="GcGuard.Enable"/>.</summary>
/// <param name="Renewals">Regions started at safe points.</param>
/// <param name="Planned">Collections those renewals made (at safe points, no native call in flight).</param>
/// <param name="Unplanned">
/// Every other collection, those in <paramref name="InSteps"/> included. Most happen while a run sets up (loading data and checkpoints allocates past the budget; the
/// region then holds again from the first step on).
/// </param>
/// <param name="InSteps">
/// Collections while a step was open: each is a moment a native call of a step may have read a freed Scalar. 0 in a
/// guarded run.
/// </param>
public readonly record struct GcGuardCounts(long Renewals, long Planned, long Unplanned, long InSteps);
