using System.ComponentModel.DataAnnotations;
using Research.Core.Configuration;

namespace Research.Core.Experiments;

/// <summary>Settings of the one shared training loop (docs/architecture.md).</summary>
public sealed class TrainingOptions : IValidatableOptions
{
    /// <summary>Optimisation steps (one step = every loss term of one batch).</summary>
    [Range(1, long.MaxValue)]
    public long Steps { get; set; } = 10_000;

    /// <summary>Minibatch size.</summary>
    [Range(1, 1 << 20)]
    public int BatchSize { get; set; } = 512;

    /// <summary>Optimizer used for every network without an entry in <see cref="Optimizers"/>.</summary>
    public OptimizerOptions Optimizer { get; set; } = new();

    /// <summary>Per-network optimizers (e.g. <c>generator</c>, <c>discriminator</c> with their own lr and betas).</summary>
    public Dictionary<string, OptimizerOptions> Optimizers { get; set; } = new();

    /// <summary>
    /// Networks that start from saved weights instead of their random initialisation, by network name
    /// (<see cref="NetworkInitOptions"/>): e.g. <c>"init": { "denoiser": { "path": "runs/…/checkpoints/latest.safetensors" } }</c>.
    /// </summary>
    public Dictionary<string, NetworkInitOptions> Init { get; set; } = new();

    /// <summary>Linear learning-rate warm-up steps (DDPM CIFAR-10: 5000). 0 = none.</summary>
    [Range(0, long.MaxValue)]
    public long WarmupSteps { get; set; }

    /// <summary>Learning-rate schedule after warm-up: <c>constant</c>, <c>cosine</c> (to <c>min_lr</c>) or <c>linear</c> (to <c>min_lr</c>).</summary>
    public string LrSchedule { get; set; } = "constant";

    /// <summary>Final learning rate of the cosine/linear schedules (DDGAN: eta_min 1e-5).</summary>
    [Range(0.0, 1.0)]
    public double MinLr { get; set; }

    /// <summary>Global gradient-norm clip per network; 0 = off (DDPM CIFAR-10: 1.0).</summary>
    [Range(0.0, 1e6)]
    public double GradClip { get; set; } = 1.0;

    /// <summary>Exponential moving average of the networks the family names (used for sampling).</summary>
    public EmaOptions Ema { get; set; } = new();

    /// <summary>Write a metrics line (mean losses since the last line, lr, steps/s) every this many steps.</summary>
    [Range(1, long.MaxValue)]
    public long LogEvery { get; set; } = 100;

    /// <summary>Write the <c>latest</c> checkpoint every this many steps (and at the end).</summary>
    [Range(1, long.MaxValue)]
    public long CheckpointEvery { get; set; } = 5_000;

    /// <summary>Also keep a numbered checkpoint every this many steps; 0 = only <c>latest</c>.</summary>
    [Range(0, long.MaxValue)]
    public long KeepCheckpointEvery { get; set; }

    /// <summary>
    /// Evaluate every request of <c>sampling</c> (samples, grid, metrics, TensorBoard images) every this many steps
    /// during training; 0 = only after training (<c>research run</c>, <c>research eval</c>). The final step is left to
    /// the evaluation after training. Sampling uses its own generators (seeded as after training), so the training
    /// stream, and a resumed run's weights, are the same with or without it.
    /// </summary>
    [Range(0, long.MaxValue)]
    public long EvalEvery { get; set; }

    /// <summary>
    /// Write TensorBoard event files under <c>tb/</c> in the run folder: every logged scalar at its step and each
    /// evaluation's sample grid (docs/tensorboard.md).
    /// </summary>
    public bool Tensorboard { get; set; } = true;

    /// <summary>
    /// Check every term's loss and gradient norm for NaN/Inf before its optimizer steps (one boolean read per
    /// term per step); a non-finite term is skipped and counted instead of corrupting the weights.
    /// </summary>
    public bool NanGuard { get; set; } = true;

    /// <summary>Stop the run after this many consecutive steps with a skipped (non-finite) term.</summary>
    [Range(1, 1_000_000)]
    public int MaxConsecutiveNonFinite { get; set; } = 20;

    /// <summary>
    /// Arithmetic of the training passes: <c>fp32</c> (default), or <c>bf16</c>: forward and backward run on bfloat16
    /// working copies of the networks while the fp32 weights stay the master copy that the optimizer steps, the EMA
    /// averages, checkpoints store and sampling uses (mixed precision without loss scaling, which bf16's fp32 exponent
    /// range makes unnecessary; Kalamkar et al., arXiv 1905.12322). Speed on this CPU: docs/benchmarks.md.
    /// </summary>
    public string Precision { get; set; } = "fp32";

    /// <summary>The values <see cref="Precision"/> accepts.</summary>
    public static readonly IReadOnlyList<string> Precisions = ["fp32", "bf16"];

    private static readonly string[] LrSchedules = ["constant", "cosine", "linear"];

    /// <inheritdoc />
    public IEnumerable<string> Validate()
    {
        if (!LrSchedules.Contains(LrSchedule))
            yield return $"lr_schedule: '{LrSchedule}' is not one of {string.Join(", ", LrSchedules)}";
        if (!Precisions.Contains(Precision))
            yield return $"precision: '{Precision}' is not one of {string.Join(", ", Precisions)}";
        if (WarmupSteps >= Steps && WarmupSteps > 0)
            yield return $"warmup_steps: {WarmupSteps} must be below steps ({Steps})";
    }
}
