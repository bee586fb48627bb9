namespace Research.Training.Loop;

/// <summary>Derives independent generator seeds from the experiment seed (SplitMix64), one per purpose.</summary>
public static class Seeds
{
    /// <summary>Parameter initialisation (the one global seed, set right before networks are built).</summary>
    public const int Init = 0;
    /// <summary>Minibatch order.</summary>
    public const int Data = 1;
    /// <summary>Training noise, timesteps, latents.</summary>
    public const int Train = 2;
    /// <summary>Sampling.</summary>
    public const int Sample = 3;

    /// <summary>A well-mixed 63-bit seed for <paramref name="stream"/> of <paramref name="seed"/>.</summary>
    public static long Derive(long seed, int stream)
    {
        ulong z = unchecked((ulong)seed * 0x9E3779B97F4A7C15UL + (ulong)(stream + 1) * 0xD1B54A32D192ED03UL);
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return (long)((z ^ (z >> 31)) >> 1);
    }
}
