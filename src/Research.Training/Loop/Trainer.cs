using System.Diagnostics;
using Research.Core.Data;
using Research.Core.Parameterizations;
using Research.Core.Runtime;
using Research.Evaluation.Metrics;
using Research.Training.Optimization;
using Research.Training.Progress;
using Research.Training.Runs;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Loop;

/// <summary>
/// The one training loop of every family. Per step, inside one dispose scope: draw a batch, then for each
/// loss term the family yields (in order): zero all gradients, compute, backpropagate, clip the term's
/// network, step its optimizer. Then update the EMAs. Losses are summed on the device and read back only
/// at logging time. The one read per term and step is the NaN guard's (<c>training.nan_guard</c>): the loss and the
/// gradient norm in one transfer, which also tells whether clipping has anything to do; with the guard off, clipping
/// runs on the device and the loop never waits on it.
/// </summary>
/// <remarks>
/// With <c>training.precision = bf16</c> the terms are computed on the session's <see cref="MixedPrecision"/> working copy:
/// its gradients go to the fp32 masters before clipping, and the stepped network's copy is refreshed after its step.
/// </remarks>
public sealed class Trainer
{
    private readonly TrainingSession _s;
    private readonly RunFolder? _run;
    private readonly IProgressSink _progress;
    private readonly Action<TrainingSession>? _evaluate;

    /// <summary>Trains <paramref name="session"/>, logging to <paramref name="run"/> (null: no files).</summary>
    /// <param name="session">The session to train.</param>
    /// <param name="run">Where metrics and checkpoints go; null writes nothing.</param>
    /// <param name="progress">Progress display.</param>
    /// <param name="evaluate">
    /// Called every <c>training.eval_every</c> steps (at the last step only with <paramref name="evaluateLastStep"/>: a
    /// caller that evaluates after training, like <c>research run</c>, leaves it off) with the session: the experiment runner samples and scores its requests there. It must draw randomness only from
    /// its own generators; the loop puts the networks back in training mode afterwards, and its time is left out of
    /// <c>steps_per_sec</c>.
    /// </param>
    /// <param name="evaluateLastStep">Also evaluate at <c>training.steps</c> when it is a multiple of <c>eval_every</c>.</param>
    /// <param name="beforeStep">Called before each step with the session (fault injection in tests).</param>
    /// <param name="label">What the progress display calls the run (default: the experiment's name).</param>
    public Trainer(TrainingSession session, RunFolder? run, IProgressSink? progress = null, Action<TrainingSession>? evaluate = null,
        bool evaluateLastStep = false, Action<TrainingSession>? beforeStep = null, string? label = null)
    {
        _label = label ?? session.Options.Name;
        _beforeStep = beforeStep;
        _evaluateLastStep = evaluateLastStep;
        _s = session;
        _run = run;
        _progress = progress ?? IProgressSink.None;
        _evaluate = evaluate;
    }

    private int _consecutiveSkipped;
    private readonly string _label;
    private long _checkpointed = -1;
    private readonly bool _evaluateLastStep;
    private readonly Action<TrainingSession>? _beforeStep;

    /// <summary>Steps in which at least one term was skipped because it was not finite.</summary>
    public long SkippedSteps { get; private set; }

    // The NaN guard's one device→host read per term: the loss (float32, converted above) and, if there are gradients,
    // their global norm, in one transfer. A NaN or ±Inf anywhere in the gradients makes the norm non-finite. The norm is
    // float32 whenever the gradients are (the fp32 masters in every precision); only then does the caller let
    // GradientClipping.Scales decide on the host.
    private static (float Loss, float Norm) ReadLossAndNorm(Tensor loss, Tensor? norm)
    {
        if (norm is null) return (loss.item<float>(), 0f);
        using var _ = no_grad();
        using var both = stack([loss, norm.to_type(ScalarType.Float32)]);
        using var host = both.cpu();                                       // data<T>() reads host memory only (CUDA)
        var values = host.data<float>().ToArray();
        return (values[0], values[1]);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> GradNormKeys = new(StringComparer.Ordinal);
    private static string GradNormKey(string network) => GradNormKeys.GetOrAdd(network, n => MetricKeys.GradNormPrefix + n);

    /// <summary>Metric lines written so far (also appended to <c>metrics.jsonl</c>).</summary>
    public List<IReadOnlyDictionary<string, object>> History { get; } = new();

    /// <summary>Runs from <see cref="TrainingSession.Step"/> to <c>training.steps</c>.</summary>
    /// <remarks>
    /// <paramref name="cancel"/> is checked between steps (and by sampling during an evaluation): when set, the step that runs
    /// is finished, a checkpoint is written at it (as the periodic one, atomically; not after a step whose update was skipped
    /// as non-finite), and <see cref="OperationCanceledException"/> is thrown. A resume from that checkpoint reaches the same
    /// weights as a run never interrupted.
    /// </remarks>
    /// <exception cref="OperationCanceledException">Stopped by <paramref name="cancel"/>.</exception>
    public void Train(CancellationToken cancel = default)
    {
        var o = _s.Options.Training;
        var networks = _s.Parameterization.Networks;
        foreach (var net in networks.Values) net.train();
        var mixed = _s.MixedPrecision;
        mixed?.BeginTraining();
        var family = mixed?.Working ?? _s.Parameterization;
        var sums = new Dictionary<string, MetricSum>();
        var parameters = networks.ToDictionary(p => p.Key, p => p.Value.parameters().ToList());   // fixed for the run
        long sinceLog = 0;
        var clock = Stopwatch.StartNew();
        long started = _s.Step;
        _progress.Start(_label, o.Steps, _s.Step);
        try
        {
            while (_s.Step < o.Steps)
            {
                cancel.ThrowIfCancellationRequested();
                long step = _s.Step;
                _beforeStep?.Invoke(_s);
                foreach (var (name, opt) in _s.Optimizers)
                {
                    double lr = LearningRateSchedule.At(o, OptimizerFactory.OptionsFor(o, name).Lr, step);
                    foreach (var g in opt.ParamGroups) g.LearningRate = lr;
                }
                bool skipped = false;
                using (GcGuard.Step())                      // no collection inside the step (docs/toolchain.md)
                using (var scope = NewDisposeScope())
                {
                    var cpu = _s.Data.NextBatch(o.BatchSize, _s.DataGenerator);
                    var batch = new TrainBatch(cpu.X0.to(_s.Device), cpu.Labels?.to(_s.Device));
                    var info = new StepInfo(step, _s.TrainGenerator);
                    foreach (var term in family.LossTerms(batch, info))
                    {
                        foreach (var opt in _s.Optimizers.Values) opt.zero_grad();
                        mixed?.ZeroGradients();
                        var loss = term.Compute();
                        if (loss.dtype != ScalarType.Float32) loss = loss.to_type(ScalarType.Float32);   // a bf16 head's loss
                        loss.backward();
                        mixed?.CopyGradients(term.Network);
                        var grads = GradientClipping.Gradients(parameters[term.Network]);
                        var norm = GradientClipping.GlobalNorm(grads);
                        bool clip = norm is not null && o.GradClip > 0;
                        if (o.NanGuard)
                        {
                            var (lossValue, normValue) = ReadLossAndNorm(loss, norm);
                            if (!float.IsFinite(lossValue) || !float.IsFinite(normValue))
                            {
                                skipped = true;
                                _run?.Log.Warning("step {Step}: {Term} is not finite (loss {Loss}, gradient norm {Norm}); its update is skipped",
                                    step, term.Name, lossValue, normValue);
                                continue;
                            }
                            // Within bounds, the multiply by 1 is skipped (decided in float32, the gradients' dtype).
                            clip = clip && (norm!.dtype != ScalarType.Float32 || GradientClipping.Scales(normValue, o.GradClip));
                        }
                        if (clip) GradientClipping.Scale(grads, norm!, o.GradClip);
                        _s.Optimizers[term.Network].step();
                        mixed?.Sync(term.Network);
                        Accumulate(sums, term.Name, loss);
                        foreach (var (k, v) in term.Parts) Accumulate(sums, k, v);
                        if (norm is not null) Accumulate(sums, GradNormKey(term.Network), norm);
                    }
                    double decay = o.Ema.DecayAt(step);
                    if (!skipped) foreach (var ema in _s.Emas.Values) ema.Update(decay);
                }
                if (skipped)
                {
                    SkippedSteps++;
                    if (++_consecutiveSkipped >= o.MaxConsecutiveNonFinite)
                        throw new TrainingDivergedException(
                            $"training diverged: {_consecutiveSkipped} consecutive steps (up to step {step}) had a non-finite loss or gradient; " +
                            $"stopped. The last checkpoint (step ≤ {step - _consecutiveSkipped + 1}) is intact.");
                }
                else _consecutiveSkipped = 0;
                _s.Step++;
                sinceLog++;
                _progress.Advance(_s.Step);
                bool last = _s.Step == o.Steps;
                if (_s.Step % o.LogEvery == 0 || last)
                {
                    Log(sums, sinceLog, clock.Elapsed.TotalSeconds);
                    sinceLog = 0;
                    clock.Restart();
                }
                if (_run is not null && _consecutiveSkipped == 0 && (_s.Step % o.CheckpointEvery == 0 || last))
                {
                    Checkpoint.Save(_s, Path.Combine(_run.Checkpoints, CheckpointFiles.LatestName));
                    _checkpointed = _s.Step;
                    if (o.KeepCheckpointEvery > 0 && _s.Step % o.KeepCheckpointEvery == 0)
                        CheckpointFiles.Keep(_run.Checkpoints, _s.Step, _run.Log);   // atomic; never over an existing kept file
                }
                if (_evaluate is not null && o.EvalEvery > 0 && _s.Step % o.EvalEvery == 0 && (!last || _evaluateLastStep))
                {
                    clock.Stop();
                    _progress.Pause("evaluating");
                    _evaluate(_s);
                    foreach (var net in networks.Values) net.train();
                    _progress.Resume();
                    clock.Start();
                }
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            CheckpointInterrupted(started);
            throw;
        }
        finally
        {
            foreach (var m in sums.Values) m.Sum.Dispose();
            _progress.Stop();
        }
    }

    // Interrupted between steps (or during an evaluation, whose sampling stops at once; the EMA weights are back by now):
    // the steps done since the last checkpoint are kept in one more, at the current step.
    private void CheckpointInterrupted(long started)
    {
        if (_run is null || _s.Step == started || _s.Step == _checkpointed) return;
        if (_consecutiveSkipped > 0)
        {
            _run.Log.Warning("Interrupted at step {Step} after a non-finite step: no checkpoint written; the last one is intact", _s.Step);
            return;
        }
        Checkpoint.Save(_s, Path.Combine(_run.Checkpoints, CheckpointFiles.LatestName));
        _checkpointed = _s.Step;
        _run.Log.Information("Interrupted: checkpoint written at step {Step}", _s.Step);
    }

    // A metric's on-device running sum and how many values went into it since the last log line (a term a family
    // yields k times per step, e.g. k discriminator updates, adds k values per step).
    private sealed class MetricSum(Tensor sum)
    {
        public Tensor Sum { get; } = sum;
        public long Count { get; set; }
    }

    private static void Accumulate(Dictionary<string, MetricSum> sums, string name, Tensor value)
    {
        using var _ = no_grad();
        if (!sums.TryGetValue(name, out var m))
        {
            m = new MetricSum(zeros([], float64, value.device).DetachFromDisposeScope());
            sums[name] = m;
        }
        m.Sum.add_(value);                            // promoted into the float64 sum in place: no converted copy or detach
        m.Count++;
    }

    private void Log(Dictionary<string, MetricSum> sums, long count, double seconds)
    {
        using var scope = NewDisposeScope(); // zero_() returns a fresh wrapper in TorchSharp 0.107: let the scope free it
        var line = new Dictionary<string, object> { [MetricKeys.Step] = _s.Step };
        foreach (var (name, m) in sums.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (m.Count == 0) continue;                  // not produced in this interval (e.g. every step was skipped)
            line[name] = m.Sum.item<double>() / m.Count; // the only device→host read, once per log interval
            m.Sum.zero_();
            m.Count = 0;
        }
        foreach (var (name, opt) in _s.Optimizers) line[MetricKeys.LearningRatePrefix + name] = opt.ParamGroups.First().LearningRate;
        double rate = count / Math.Max(seconds, 1e-9);               // over this interval
        line[MetricKeys.StepsPerSec] = Math.Round(rate, 2);
        line[MetricKeys.LiveTensors] = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        line[MetricKeys.SkippedSteps] = SkippedSteps;
        if (GcGuard.IsEnabled)
        {
            var gc = GcGuard.Counts;
            line[MetricKeys.CollectionsInSteps] = gc.InSteps;
            line[MetricKeys.UnplannedCollections] = gc.Unplanned - gc.InSteps;
        }
        History.Add(line);
        _run?.WriteMetrics(line);
        var losses = string.Join(" ", line.Where(p => p.Value is double && p.Key != MetricKeys.StepsPerSec
                                                      && !p.Key.StartsWith(MetricKeys.LearningRatePrefix, StringComparison.Ordinal)
                                                      && !p.Key.StartsWith(MetricKeys.GradNormPrefix, StringComparison.Ordinal))
            .Select(p => $"{p.Key}={(double)p.Value:G4}"));
        _progress.Note(losses);
        _run?.Log.Debug("step {Step}: {Losses} ({Rate:F1} steps/s)", _s.Step, losses, rate);
    }
}
