using System.ComponentModel.DataAnnotations;

namespace Research.Core.Experiments;

/// <summary>Exponential moving average of weights (DDPM/DDGAN CIFAR-10: 0.9999).</summary>
public sealed class EmaOptions
{
    /// <summary>Keep an EMA and sample with it.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Decay per update; EMA ← decay·EMA + (1−decay)·θ.</summary>
    [Range(0.0, 1.0)]
    public double Decay { get; set; } = 0.999;

    /// <summary>Before this step the EMA just copies the weights (DDGAN initialises it at the first step).</summary>
    [Range(0, long.MaxValue)]
    public long StartStep { get; set; }

    /// <summary>
    /// Warm the decay up: the k-th update (k = step − start_step) uses min(decay, (1 + k)/(10 + k)), as TensorFlow's
    /// ExponentialMovingAverage with num_updates. Without it a short run samples with an average still weighted
    /// decay^k towards the random initialisation (0.999^1000 = 37 % after 1,000 steps). Off by default (the DDPM and
    /// DDGAN recipes and the 2-D presets use the plain decay); the image presets turn it on.
    /// </summary>
    public bool Warmup { get; set; }

    /// <summary>The decay of the update made at <paramref name="step"/> (0 before <see cref="StartStep"/>: a copy).</summary>
    public double DecayAt(long step)
    {
        if (step < StartStep) return 0.0;
        if (!Warmup) return Decay;
        double k = step - StartStep;
        return Math.Min(Decay, (1.0 + k) / (10.0 + k));
    }
}
