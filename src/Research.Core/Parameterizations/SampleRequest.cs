using static TorchSharp.torch;

namespace Research.Core.Parameterizations;

/// <summary>
/// Everything chosen at sampling time, so a sweep over steps, samplers or guidance needs no retraining.
/// </summary>
public sealed record SampleRequest
{
    /// <summary>Number of samples to draw.</summary>
    public required int NumSamples { get; init; }

    /// <summary>Source of all sampling randomness (x_T, z, per-step noise).</summary>
    public required Generator Generator { get; init; }

    /// <summary>
    /// Respacing of the trained chain (docs/methods.md §2.4): <c>null</c> or the trained T for the full chain,
    /// <c>"100"</c>, <c>"ddim50"</c>, <c>"10,15,20"</c>. GAN families accept only their trained T.
    /// </summary>
    public string? Steps { get; init; }

    /// <summary>Which reverse process to run (ε-models).</summary>
    public SamplerKind Sampler { get; init; } = SamplerKind.Ancestral;

    /// <summary>
    /// Reverse variance of the ancestral sampler (ε-models); null = the family's default. DDIM ignores it
    /// (docs/methods.md §3.4).
    /// </summary>
    public Sampling.ReverseVariance? Variance { get; init; }

    /// <summary>DDIM stochasticity η; 0 = deterministic, 1 ≈ ancestral with β̃ variance.</summary>
    public double Eta { get; init; }

    /// <summary>Whether x̂₀ is clipped to the data range at every step (guided-diffusion's clip_denoised).</summary>
    public bool ClipDenoised { get; init; } = true;

    /// <summary>Requested class labels <c>[N]</c> (int64) for class-conditional or guided sampling; else null.</summary>
    public Tensor? Labels { get; init; }

    /// <summary>Guidance scale s for families that guide with their own classifier (0 = unguided, exactly).</summary>
    public double GuidanceScale { get; init; }

    /// <summary>Optional sampling-time hook (classifier guidance) applied to an ε-model's reverse step.</summary>
    public IGuidance? Guidance { get; init; }

    /// <summary>Samples per network call; bounds peak memory.</summary>
    public int BatchSize { get; init; } = 10_000;

    /// <summary>
    /// Where finished chunks are kept so an interrupted draw continues bit-identically (<see cref="Sampling.ChunkedDraw"/>);
    /// null: nothing kept. Only the scored draw of an evaluation uses one.
    /// </summary>
    public Sampling.ISampleChunkStore? Chunks { get; init; }

    /// <summary>
    /// Told (reverse steps done, reverse steps in all) after every reverse step of every batch; a progress display. It must
    /// not draw randomness: the samples do not depend on it.
    /// </summary>
    public Action<long, long>? Progress { get; init; }

    /// <summary>Checked before every reverse step: when set, sampling stops with <see cref="OperationCanceledException"/>.</summary>
    public CancellationToken Cancel { get; init; }

    /// <summary>
    /// Between reverse steps: throws when <see cref="Cancel"/> is set (after disposing <paramref name="current"/>, the chain's
    /// state the caller would otherwise lose), else reports <paramref name="done"/> of <paramref name="total"/>.
    /// </summary>
    public void BetweenSteps(long done, long total, IDisposable? current)
    {
        if (Cancel.IsCancellationRequested)
        {
            current?.Dispose();
            Cancel.ThrowIfCancellationRequested();
        }
        Progress?.Invoke(done, total);
    }
}
