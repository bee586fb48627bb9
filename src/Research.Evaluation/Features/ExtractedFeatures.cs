using static TorchSharp.torch;

namespace Research.Evaluation.Features;

/// <summary>Features of a whole image set, and class probabilities when they were asked for. Owns its tensors.</summary>
/// <param name="Features">Features <c>[N, d]</c>, float32, CPU.</param>
/// <param name="Probabilities">Softmax probabilities <c>[N, K]</c>, float32, CPU, or null.</param>
public sealed record ExtractedFeatures(Tensor Features, Tensor? Probabilities) : IDisposable
{
    /// <inheritdoc />
    public void Dispose()
    {
        Features.Dispose();
        Probabilities?.Dispose();
    }
}
