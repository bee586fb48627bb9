using System.ComponentModel.DataAnnotations;

namespace Research.Data.Images;

/// <summary>
/// Options of <c>stacked-mnist</c>: a fixed, seeded pool of images whose R, G and B channels are three MNIST digits drawn
/// independently (<see cref="StackedMnistDataset"/>). <c>root</c> is MNIST's folder (default <c>&lt;data root&gt;/mnist</c>,
/// written by <c>research data fetch mnist</c>); <c>split</c> picks the MNIST split the digits come from.
/// </summary>
public sealed class StackedMnistOptions : ImageDataOptions
{
    /// <summary>Defaults: 32×32 by zero-padding the 28×28 digits by 2 pixels (DDGAN pads its StackedMNIST so); no flip.</summary>
    public StackedMnistOptions() => ImageSize = 32;

    /// <summary>
    /// Stacked images in the pool. Each channel takes the split's digits in ⌈count / M⌉ independent random orders (M = the
    /// split's size), so every digit appears equally often per channel. Default 60,000 (one order per channel for MNIST's
    /// training split); DDGAN's official code builds 2 × 60,000 = 120,000.
    /// </summary>
    [Range(1, 10_000_000)]
    public int Count { get; set; } = 60_000;

    /// <summary>Seed of the pool (not the experiment's seed: every run of a study stacks the same pool). Default 0.</summary>
    [Range(0, long.MaxValue)]
    public long Seed { get; set; }

    /// <inheritdoc />
    public override IEnumerable<string> Validate()
    {
        foreach (var problem in base.Validate()) yield return problem;
        if (Flip) yield return "flip: digits have a handedness; a flipped digit is no MNIST digit";
    }

    /// <summary>The MNIST options whose digits are stacked: the same root, split, size and resizing, all digits, no flip.</summary>
    public MnistOptions ToMnistOptions() => new() { Root = Root, Split = Split, ImageSize = ImageSize, Resize = Resize, Flip = false, Limit = 0 };
}
