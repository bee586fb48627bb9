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
}
