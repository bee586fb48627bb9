using static TorchSharp.torch;

namespace Research.Core.Parameterizations;

/// <summary>
/// One optimisation step's worth of loss for one network. The loop evaluates <see cref="Compute"/>
/// lazily, in the order the parameterization yields terms: zero all gradients, compute, backpropagate,
/// clip, step the optimizer of <see cref="Network"/>, log <see cref="Name"/>.
/// </summary>
/// <param name="Network">Key into <see cref="IParameterization.Networks"/> whose optimizer steps.</param>
/// <param name="Name">Log name, e.g. <c>loss</c>, <c>d_loss</c>, <c>g_loss</c>.</param>
/// <param name="Compute">Builds the scalar loss; runs inside the loop's per-step dispose scope.</param>
public sealed record LossTerm(string Network, string Name, Func<Tensor> Compute)
{
    /// <summary>
    /// Extra scalars to log with this term (e.g. the parts of a sum), filled by <see cref="Compute"/>.
    /// The loop reads them at logging time only, so no host–device sync happens every step.
    /// </summary>
    public Dictionary<string, Tensor> Parts { get; } = new();
}
