using Research.Core.Backbones;
using Research.Core.Schedules;
using static TorchSharp.torch;

namespace Research.Core.Parameterizations;

/// <summary>
/// What a parameterization gets at construction: the shared schedule, the backbone factory, the device
/// and a generator. It never reads files, parses JSON or creates optimizers.
/// </summary>
public sealed record BuildContext(
    NoiseSchedule Schedule,
    IBackboneFactory Backbones,
    Device Device,
    Generator Generator)
{
    /// <summary>Shape of one data sample without batch dimension (<c>[2]</c> or <c>[C, H, W]</c>).</summary>
    public required long[] SampleShape { get; init; }

    /// <summary>Number of classes in the data (0 = unlabelled).</summary>
    public int NumClasses { get; init; }

    /// <summary>
    /// Networks whose weights are loaded from a file after construction (<c>training.init</c>), so a family can require
    /// one (classifier guidance of a pretrained ε-model) instead of silently using random weights.
    /// </summary>
    public IReadOnlySet<string> InitializedNetworks { get; init; } = new HashSet<string>();

    /// <summary>Channels of one sample (<c>SampleShape[0]</c>).</summary>
    public int Channels => (int)SampleShape[0];
}
