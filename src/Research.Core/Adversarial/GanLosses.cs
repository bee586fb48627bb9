using TorchSharp;
using static TorchSharp.torch;

namespace Research.Core.Adversarial;

/// <summary>
/// The non-saturating logistic GAN losses (Goodfellow et al., arXiv 1406.2661 §3), in the softplus form of
/// DDGAN's <c>train_ddgan.py</c> (arXiv 2112.07804 eqs. 6–7) that SIDDM keeps for its marginal term
/// (arXiv 2306.12511 eq. 8). Inputs are raw logits <c>[B]</c> or <c>[B, 1]</c>; results are 0-d means.
/// </summary>
public static class GanLosses
{
    /// <summary>D's loss on real samples: mean softplus(−D(x)) = −mean log σ(D(x)).</summary>
    public static Tensor DiscriminatorReal(Tensor logits) => nn.functional.softplus(logits.neg()).mean();

    /// <summary>D's loss on generated samples: mean softplus(D(x′)) = −mean log(1 − σ(D(x′))).</summary>
    public static Tensor DiscriminatorFake(Tensor logits) => nn.functional.softplus(logits).mean();

    /// <summary>G's non-saturating loss: mean softplus(−D(x′)) = −mean log σ(D(x′)).</summary>
    public static Tensor Generator(Tensor logits) => nn.functional.softplus(logits.neg()).mean();
}
