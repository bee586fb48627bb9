using static TorchSharp.torch;

namespace Research.Core.Parameterizations;

/// <summary>
/// A sampling-time hook that steers an ε-model: returns s·∇ₓ log p(y | x_t, t) (classifier guidance,
/// Dhariwal &amp; Nichol, arXiv 2105.05233, Algorithms 1–2). The sampler decides how it enters the step.
/// </summary>
public interface IGuidance
{
    /// <summary>The scaled gradient s·∇ log p(y|x_t,t) at <paramref name="xt"/>, same shape. Fresh tensor.</summary>
    /// <param name="xt">Current sample <c>[B, ...]</c>.</param>
    /// <param name="t">Original-chain step indices <c>[B]</c> (int64).</param>
    /// <param name="labels">Target labels <c>[B]</c>.</param>
    Tensor ScaledGradient(Tensor xt, Tensor t, Tensor labels);
}
