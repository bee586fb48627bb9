using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Adversarial;

/// <summary>
/// The R1 gradient penalty on real data, R1 = (γ/2)·mean_b ‖∇ₓ Σ_b D(x)‖² (Mescheder et al., arXiv 1801.04406
/// eq. 9), as DDGAN applies it (arXiv 2112.07804 §4; docs/methods.md §4.4): only w.r.t. the x_{t−1} input, the penalty
/// not rescaled by the lazy interval. The gradient is built with <c>create_graph</c> so that backpropagating
/// the penalty reaches D's parameters (a double backward).
/// </summary>
public static class R1Penalty
{
    /// <summary>
    /// (γ/2)·mean_b ‖∂(Σ logits)/∂input_b‖², a 0-d tensor differentiable w.r.t. D's parameters.
    /// </summary>
    /// <param name="logits">D's outputs <c>[B]</c> or <c>[B, 1]</c>, computed from <paramref name="input"/>.</param>
    /// <param name="input">The real input <c>[B, ...]</c> with <c>requires_grad</c> set before D was called.</param>
    /// <param name="gamma">Weight γ.</param>
    public static Tensor Compute(Tensor logits, Tensor input, double gamma)
    {
        if (!input.requires_grad)
            throw new ArgumentException("R1 needs the real input to require grad before D is called on it", nameof(input));
        // TorchSharp 0.107: create_graph alone leaves the graph freed for the later backward(); retain it too.
        var grad = autograd.grad([logits.sum()], [input], create_graph: true, retain_graph: true)[0]; // [B, ...]
        return grad.square().flatten(1).sum(1).mean().mul(gamma / 2);
    }

    /// <summary>Whether the lazy penalty applies at <paramref name="step"/>: every <paramref name="interval"/>-th step (official <c>global_step % lazy_reg == 0</c>).</summary>
    public static bool Due(long step, int interval) => interval <= 1 || step % interval == 0;
}
