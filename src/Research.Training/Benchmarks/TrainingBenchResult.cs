using System.Text.Json.Serialization;

namespace Research.Training.Benchmarks;

/// <summary>Training speed of one run: the loop's step against a minimal loop and the bare networks.</summary>
/// <param name="Run">Run name.</param>
/// <param name="Family">Parameterization key.</param>
/// <param name="Backbone">Backbone key.</param>
/// <param name="Precision"><c>training.precision</c>.</param>
/// <param name="BatchSize">Training batch size.</param>
/// <param name="Parameters">Trainable parameters over all the family's networks.</param>
/// <param name="StepsPerWindow">Steps in each timed window.</param>
/// <param name="Step">Milliseconds per step of <see cref="Loop.Trainer"/> (no run folder, so no checkpoint writes).</param>
/// <param name="MinimalStep">
/// Milliseconds per step of a minimal loop over the same loss terms: batch, then per term zero gradients, compute,
/// backward, optimizer step. No clipping, finiteness check, loss accumulation, learning-rate schedule or EMA.
/// </param>
/// <param name="BareNetworks">
/// Milliseconds per step of one forward + backward pass per loss term through that term's network alone, on fixed random
/// inputs of the same batch size (no loss math, data, optimizer).
/// </param>
/// <param name="PeakRssMiB">Peak resident memory while this run was benchmarked (training and sampling).</param>
public sealed record TrainingBenchResult(
    string Run, string Family, string Backbone, string Precision, int BatchSize, long Parameters, int StepsPerWindow,
    IntervalStats Step, IntervalStats MinimalStep, IntervalStats? BareNetworks, [property: JsonPropertyName("peak_rss_mib")] double PeakRssMiB)
{
    /// <summary>
    /// FLOPs of the bare passes of one step: per loss term, forward + backward through the conv and linear layers of its
    /// network (<see cref="FlopCounter"/>, ≈ 3 × the forward); null without bare passes. For a family with one network pass per
    /// step (DDPM) this is the step's work; a GAN step runs more passes, so for it the figure is a lower bound.
    /// </summary>
    public double? BareFlopsPerStep { get; init; }

    /// <summary><see cref="BareFlopsPerStep"/> over the median trainer step, GFLOP/s (a lower bound for GAN steps).</summary>
    public double? StepGflopsPerSecond => BareFlopsPerStep / Step.Median / 1e6;

    /// <summary><see cref="BareFlopsPerStep"/> over the median bare window, GFLOP/s: the networks' own rate.</summary>
    public double? BareGflopsPerSecond => BareNetworks is null ? null : BareFlopsPerStep / BareNetworks.Median / 1e6;

    /// <summary>Trainer steps per second (from the median step).</summary>
    public double StepsPerSecond => 1000 / Step.Median;

    /// <summary>
    /// Framework overhead: the share of a trainer step not spent in the minimal loop, in percent; the median over windows of
    /// (step − minimal) / step, each trainer window paired with the minimal window timed right after it.
    /// </summary>
    public double OverheadPct => 100 * IntervalStats.PairedMedian(Step, MinimalStep, (step, minimal) => (step - minimal) / step);

    /// <summary>The share of a trainer step that the bare forward + backward passes account for, in percent (paired windows).</summary>
    public double? NetworkSharePct => BareNetworks is null ? null : 100 * IntervalStats.PairedMedian(Step, BareNetworks, (step, bare) => bare / step);
}
