using Research.Core.Data;
using Research.Core.Experiments;
using Research.Core.Parameterizations;
using Research.Core.Registry;
using Research.Core.Schedules;
using Research.Evaluation.Images;
using Research.Training.Optimization;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Loop;

/// <summary>
/// Everything one run trains and samples with, owned in one place: data, schedule, the family and its
/// networks, one optimizer per network, EMAs and the three generators (data order, training noise,
/// sampling). Disposing it frees every native tensor.
/// </summary>
public sealed class TrainingSession : IDisposable
{
    /// <summary>The run's configuration.</summary>
    public required ExperimentOptions Options { get; init; }

    /// <summary>Its resolved JSON (stored in checkpoints).</summary>
    public required string ResolvedJson { get; init; }

    /// <summary>The family's registry entry (networks, EMA networks).</summary>
    public required ComponentRegistration Family { get; init; }

    /// <summary>Training data.</summary>
    public required IDataSource Data { get; init; }

    /// <summary>The shared noise schedule.</summary>
    public required NoiseSchedule Schedule { get; init; }

    /// <summary>The family plugin.</summary>
    public required IParameterization Parameterization { get; init; }

    /// <summary>Optimizer per network name.</summary>
    public required IReadOnlyDictionary<string, TorchSharp.Modules.OptimizerHelper> Optimizers { get; init; }

    /// <summary>EMA per network name (only the family's EMA networks, only when enabled).</summary>
    public required IReadOnlyDictionary<string, Ema> Emas { get; init; }

    /// <summary>Device the networks live on.</summary>
    public required Device Device { get; init; }

    /// <summary>Draws minibatch indices (its state is the data order).</summary>
    public required Generator DataGenerator { get; init; }

    /// <summary>Draws t, ε, z during training.</summary>
    public required Generator TrainGenerator { get; init; }

    /// <summary>
    /// Scores image samples in feature space (FID, KID, precision/recall, IS); null for 2-D data and for image runs
    /// without <c>evaluation.features</c>. Owned by the session (holds the extractor and the reference features).
    /// </summary>
    public ImageEvaluator? ImageEvaluator { get; init; }

    /// <summary>
    /// StackedMNIST's mode count (<c>evaluation.mode_count</c>): the MNIST classifier read per channel; null when not
    /// requested. Owned by the session.
    /// </summary>
    public StackedModeCount? ModeCount { get; init; }

    /// <summary>
    /// Builds the held-out split of the training data (an image set's <c>test</c> split) on first use; null when the data
    /// have none (2-D mixtures draw fresh points anyway). Used for diagnostics such as a noisy classifier's accuracy.
    /// </summary>
    public Func<IDataSource?>? HeldOutFactory { get; init; }

    /// <summary>Makes a progress display for work on this session (sampling, scoring); none by default.</summary>
    public Func<Progress.IProgressSink> NewProgress { get; set; } = () => Progress.IProgressSink.None;

    /// <summary>Stops sampling between reverse steps (Ctrl-C, SIGTERM: <see cref="Runs.Interruption"/>); none by default.</summary>
    public CancellationToken Cancel { get; set; }

    private IDataSource? _heldOut;
    private bool _heldOutBuilt;

    /// <summary>The held-out split (built once, owned by the session), or null when there is none.</summary>
    public IDataSource? HeldOutData()
    {
        if (!_heldOutBuilt)
        {
            _heldOut = HeldOutFactory?.Invoke();
            _heldOutBuilt = true;
        }
        return _heldOut;
    }

    /// <summary>What <c>training.init</c> loaded, one line per network (empty when nothing was).</summary>
    public IReadOnlyList<string> InitializedFrom { get; init; } = [];

    /// <summary>The bf16 working copy of the networks when <c>training.precision</c> is <c>bf16</c>; null in fp32.</summary>
    public MixedPrecision? MixedPrecision { get; init; }

    /// <summary>Next step to run (0 for a fresh run; restored on resume).</summary>
    public long Step { get; set; }

    /// <summary>Swaps every EMA into its network until disposed (sampling uses the averaged weights).</summary>
    public IDisposable UseEmaWeights()
    {
        var handles = Emas.Values.Select(e => e.SwapIn()).ToList();
        return new CompositeDisposable(handles);
    }

    private sealed class CompositeDisposable(List<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            for (int i = items.Count - 1; i >= 0; i--) items[i].Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        ImageEvaluator?.Dispose();
        ModeCount?.Dispose();
        _heldOut?.Dispose();
        foreach (var e in Emas.Values) e.Dispose();
        foreach (var o in Optimizers.Values) o.Dispose();
        MixedPrecision?.Dispose();
        Parameterization.Dispose();
        Schedule.Dispose();
        Data.Dispose();
        DataGenerator.Dispose();
        TrainGenerator.Dispose();
    }
}
