using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Training.Optimization;

/// <summary>
/// Adam (Kingma &amp; Ba, arXiv 1412.6980, Algorithm 1; L2 weight decay added to the gradient) with TorchSharp's
/// update, operation for operation, so the weights are bit-identical to <see cref="TorchSharp.Modules.Adam"/>'s. The
/// difference: every <see cref="Scalar"/> the update passes to libtorch is created and disposed here. TorchSharp's own
/// step converts each hyperparameter to a temporary Scalar that it leaves to the garbage collector; the finalizer thread
/// can free one while libtorch still reads it, which killed three of our runs (docs/toolchain.md, "rare libtorch errors on
/// a Scalar argument"). The class keeps TorchSharp's name, options and state, so checkpoints written by either load
/// into the other.
/// </summary>
public sealed class Adam : TorchSharp.Modules.Adam
{
    /// <summary>Adam over <paramref name="parameters"/> with TorchSharp's argument meanings.</summary>
    public Adam(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(parameters, lr, beta1, beta2, eps, weightDecay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) =>
        _step<ParamGroup>(group =>
        {
            var o = (Options)group.Options;
            AdamUpdate.Group(group.Parameters, o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value,
                o.amsgrad, o.maximize, decoupled: false, p =>
                {
                    var state = (State)_state[p.Handle];
                    state.step++;
                    return (state.exp_avg, state.exp_avg_sq, state.step);
                });
        }, closure);
}

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, arXiv 1711.05101, Algorithm 2: decoupled weight decay θ ← θ(1 − lr·λ)) with
/// TorchSharp's update and owned Scalars; see <see cref="Adam"/>.
/// </summary>
public sealed class AdamW : TorchSharp.Modules.AdamW
{
    /// <summary>AdamW over <paramref name="parameters"/> with TorchSharp's argument meanings.</summary>
    public AdamW(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(parameters, lr, beta1, beta2, eps, weightDecay)
    {
    }

    /// <inheritdoc />
    public override Tensor step(Func<Tensor>? closure = null) =>
        _step<ParamGroup>(group =>
        {
            var o = (Options)group.Options;
            AdamUpdate.Group(group.Parameters, o.LearningRate!.Value, o.beta1!.Value, o.beta2!.Value, o.eps!.Value, o.weight_decay!.Value,
                o.amsgrad, o.maximize, decoupled: true, p =>
                {
                    var state = (State)_state[p.Handle];
                    state.step++;
                    return (state.exp_avg, state.exp_avg_sq, state.step);
                });
        }, closure);
}

/// <summary>One parameter group's Adam/AdamW update with every Scalar owned and disposed here.</summary>
internal static class AdamUpdate
{
    /// <summary>
    /// Updates each parameter of a group that has a gradient, in TorchSharp's order: m ← β₁m + (1−β₁)g;
    /// v ← β₂v + (1−β₂)g²; θ ← θ − (lr/(1−β₁ᵏ))·m/(√v/√(1−β₂ᵏ) + ε), with weight decay added to the gradient (Adam) or
    /// applied to θ first (AdamW, θ ← θ(1 − lr·λ)). <paramref name="advance"/> increments a parameter's step count and
    /// returns its moments and the new count k. Temporaries land in the optimizer's dispose scope.
    /// </summary>
    public static void Group(IEnumerable<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay,
        bool? amsgrad, bool? maximize, bool decoupled, Func<Parameter, (Tensor ExpAvg, Tensor ExpAvgSq, long Step)> advance)
    {
        if (amsgrad == true || maximize == true)
            throw new NotSupportedException("Research's Adam and AdamW implement neither amsgrad nor maximize");
        using var b1 = beta1.ToScalar();
        using var oneMinusB1 = (1 - beta1).ToScalar();
        using var b2 = beta2.ToScalar();
        using var oneMinusB2 = (1 - beta2).ToScalar();
        using var epsilon = eps.ToScalar();
        using var shrink = (1 - lr * weightDecay).ToScalar();
        using var wd = weightDecay.ToScalar();
        using var one = 1.0.ToScalar();   // add_(Scalar) alone passes an implicit alpha = 1 that nobody disposes
        foreach (var param in parameters)
        {
            var grad = param.grad;
            if (grad is null) continue;
            var (expAvg, expAvgSq, step) = advance(param);
            if (decoupled) param.mul_(shrink);
            else if (weightDecay != 0) grad = grad.add(param, wd);
            double biasCorrection1 = 1 - Math.Pow(beta1, step);
            double biasCorrection2 = 1 - Math.Pow(beta2, step);
            expAvg.mul_(b1).add_(grad, oneMinusB1);
            expAvgSq.mul_(b2).addcmul_(grad, grad, oneMinusB2);
            using var sqrtBc2 = Math.Sqrt(biasCorrection2).ToScalar();
            using var negStepSize = (-(lr / biasCorrection1)).ToScalar();
            var denom = expAvgSq.sqrt().div(sqrtBc2).add_(epsilon, one);
            param.addcdiv_(expAvg, denom, negStepSize);
        }
    }
}
