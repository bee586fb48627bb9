using Research.Core.Parameterizations;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Sampling;

/// <summary>
/// Classifier guidance: s·∇_{x_t} log p_φ(y | x_t, t) from a noisy classifier (Dhariwal &amp; Nichol,
/// arXiv 2105.05233, Algorithms 1–2; guided-diffusion scripts/classifier_sample.py cond_fn). Gradients are
/// enabled only around the classifier call.
/// </summary>
/// <param name="classifier">Logits <c>[B, K]</c> of p_φ(y | x_t, t) for x_t and original-chain t.</param>
/// <param name="scale">Guidance scale s.</param>
public sealed class ClassifierGuidance(Func<Tensor, Tensor, Tensor> classifier, double scale) : IGuidance
{
    /// <summary>The guidance scale s.</summary>
    public double Scale => scale;

    /// <inheritdoc />
    public Tensor ScaledGradient(Tensor xt, Tensor t, Tensor labels)
    {
        using var scope = NewDisposeScope();
        Tensor grad;
        using (enable_grad())
        {
            var xIn = xt.detach().requires_grad_(true);
            var logProbs = nn.functional.log_softmax(classifier(xIn, t), 1);                     // [B, K]
            var selected = logProbs.gather(1, labels.unsqueeze(1)).sum();
            grad = autograd.grad([selected], [xIn])[0];
        }
        return (grad.detach() * scale).MoveToOuterDisposeScope();
    }
}
