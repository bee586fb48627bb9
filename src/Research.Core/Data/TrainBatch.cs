using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Data;

/// <summary>One minibatch of training data in model space.</summary>
/// <param name="X0">Clean samples x₀, <c>[B, ...SampleShape]</c>, float32.</param>
/// <param name="Labels">Class labels <c>[B]</c> (int64), or <c>null</c> for unlabelled data.</param>
public sealed record TrainBatch(Tensor X0, Tensor? Labels)
{
    /// <summary>Batch size B.</summary>
    public long Size => X0.shape[0];
}
