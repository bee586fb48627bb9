namespace Research.Training.Benchmarks;

/// <summary>How long and how often <c>research bench</c> measures; <see cref="Quick"/> trades precision for minutes.</summary>
public sealed record BenchSettings
{
    /// <summary>Shorter windows, fewer repeats, smaller soak (a few minutes for the built-in suite).</summary>
    public bool Quick { get; init; }

    /// <summary>Untimed training before the first window (allocator, kernels, optimizer state).</summary>
    public double WarmupSeconds => Quick ? 0.5 : 2.0;

    /// <summary>Target length of one timed window; the step count per window is calibrated from the warm-up.</summary>
    public double WindowSeconds => Quick ? 0.4 : 1.5;

    /// <summary>Timed windows per measured quantity (interleaved; the median is reported).</summary>
    public int Windows => Quick ? 3 : 7;

    /// <summary>Timed sampling calls (interleaved with as many bare forward loops); the median is reported.</summary>
    public int SamplingRepeats => Quick ? 1 : 3;

    /// <summary>Samples per sampling call for 2-D point data (one network batch).</summary>
    public int Samples2D { get; init; } = 1000;

    /// <summary>Samples per sampling call for images (one network batch).</summary>
    public int SamplesImages { get; init; } = 8;

    /// <summary>Batch size of the fp32-versus-bf16 step comparison.</summary>
    public int PrecisionBatchSize { get; init; } = 64;

    /// <summary>Families whose runs also get the fp32-versus-bf16 comparison.</summary>
    public IReadOnlyList<string> PrecisionFamilies { get; init; } = ["ddpm-eps"];

    /// <summary>
    /// Time every sampling request of each run (one sampling row each), not only its first: the speed column of a study
    /// whose rows are sampling requests (DDPM at 1000, 50, 8 and 4 steps), measured back to back in one process.
    /// </summary>
    public bool AllRequests { get; init; }

    /// <summary>
    /// Names (substrings) of the DDGAN runs that get the DDPM/DDGAN per-sample ratio; empty: every DDGAN run. Each ratio
    /// alternates whole DDPM-1000 chains with DDGAN blocks for minutes, so a study with several DDGAN rows names the one
    /// its claim is about.
    /// </summary>
    public IReadOnlyList<string> RatioRuns { get; init; } = [];

    /// <summary>Run the RSS soak instead of the speed benchmarks.</summary>
    public bool Soak { get; init; }

    /// <summary>Soak length for 2-D runs (training steps).</summary>
    public long SoakSteps2D => Quick ? 500 : 5_000;

    /// <summary>Soak length for image runs (training steps).</summary>
    public long SoakStepsImages => Quick ? 50 : 500;

    /// <summary>RSS and live-tensor samples taken after the soak's warm-up.</summary>
    public int SoakSamples => Quick ? 20 : 50;

    /// <summary>Largest accepted deviation of an RSS sample from the post-warm-up mean, in percent.</summary>
    public double SoakRssTolerancePct { get; init; } = 5.0;
}
