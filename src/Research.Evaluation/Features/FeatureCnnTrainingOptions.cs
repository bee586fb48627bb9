namespace Research.Evaluation.Features;

/// <summary>How <see cref="FeatureCnnTrainer"/> trains a <see cref="FeatureCnn"/>.</summary>
public sealed record FeatureCnnTrainingOptions
{
    /// <summary>Optimizer steps. Default 3000 (≈ 6 epochs of MNIST at batch 128; ≈ 99 % training accuracy).</summary>
    public int Steps { get; init; } = 3000;

    /// <summary>Minibatch size. Default 128.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Adam learning rate. Default 1e-3 (Adam's usual default; Kingma &amp; Ba 2015).</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Seed of the minibatch draws and of the weight initialisation. Default 0.</summary>
    public long Seed { get; init; }

    /// <summary>Report progress every this many steps (0 = never). Default 100.</summary>
    public int LogEvery { get; init; } = 100;

    /// <summary>Images drawn after training to estimate (training-set) accuracy. Default 2048.</summary>
    public int AccuracySamples { get; init; } = 2048;

    /// <summary>Every problem, as messages naming the property.</summary>
    public IEnumerable<string> Validate()
    {
        if (Steps < 1) yield return $"steps must be ≥ 1 (got {Steps}).";
        if (BatchSize < 1) yield return $"batch_size must be ≥ 1 (got {BatchSize}).";
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate)) yield return $"learning_rate must be > 0 (got {LearningRate}).";
        if (Seed < 0) yield return $"seed must be ≥ 0 (got {Seed}).";
        if (LogEvery < 0) yield return $"log_every must be ≥ 0 (got {LogEvery}).";
        if (AccuracySamples < 0) yield return $"accuracy_samples must be ≥ 0 (got {AccuracySamples}).";
    }
}
