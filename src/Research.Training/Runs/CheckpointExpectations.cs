using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Runs;

/// <summary>
/// What a checkpoint's generator states must measure, known before any session exists: <c>rng.data</c> is a CPU generator's,
/// <c>rng.train</c> that of a generator on the training device (null: any non-empty state, for a checkpoint read only for its
/// weights). <c>set_state</c> with another size aborts the process in native code.
/// </summary>
public sealed record CheckpointExpectations(long DataRngBytes, long? TrainRngBytes)
{
    /// <summary>For a session training on <paramref name="trainDevice"/>.</summary>
    public static CheckpointExpectations For(Device trainDevice) => new(StateBytes(CPU), StateBytes(trainDevice));

    /// <summary>For a checkpoint read for its weights only (<c>training.init</c>, <c>research weights</c>).</summary>
    public static CheckpointExpectations WeightsOnly() => new(StateBytes(CPU), null);

    /// <summary>Bytes of the state of a generator on <paramref name="device"/>.</summary>
    public static long StateBytes(Device device)
    {
        using var generator = new Generator(0, device);
        using var state = generator.get_state();
        return state.NumberOfElements * state.ElementSize;
    }
}
