using Research.Core.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Parameterizations;

/// <summary>
/// A family plugin: it owns its networks and its math; the shared training loop owns data, optimizers,
/// EMA, logging and checkpoints (docs/architecture.md).
/// </summary>
public interface IParameterization : IDisposable
{
    /// <summary>The trainable networks by name (<c>denoiser</c>, <c>generator</c>, <c>discriminator</c>, …).</summary>
    IReadOnlyDictionary<string, nn.Module> Networks { get; }

    /// <summary>
    /// The step's loss terms, lazily and in order. A later term is computed after the earlier terms'
    /// optimizers stepped (so a generator term sees the updated discriminator). The plugin detaches
    /// whatever must not receive gradients.
    /// </summary>
    IEnumerable<LossTerm> LossTerms(TrainBatch batch, StepInfo step);

    /// <summary>
    /// Draws samples in model space, <c>[N, ...SampleShape]</c>, float32. The caller owns the result.
    /// Runs with whatever weights the networks hold (the loop swaps EMA weights in before calling).
    /// </summary>
    Tensor Sample(SampleRequest request);

    /// <summary>Network evaluations one sample costs under <paramref name="request"/> (NFE).</summary>
    int NumFunctionEvaluations(SampleRequest request);
}
