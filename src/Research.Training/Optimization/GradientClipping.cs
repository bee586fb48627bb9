using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Training.Optimization;

/// <summary>
/// Global-norm gradient clipping without a host–device sync (unlike <c>clip_grad_norm_</c>, which returns
/// the norm as a double): g ← g·min(1, c/(‖g‖+1e-6)). Returns the pre-clip norm as a tensor for logging.
/// </summary>
public static class GradientClipping
{
    /// <summary>Clips in place; returns the total norm (a 0-d tensor the caller owns) or null if no gradients.</summary>
    public static Tensor? ClipByGlobalNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        var grads = parameters.Select(p => p.grad).Where(g => g is not null).Cast<Tensor>().ToList();
        if (grads.Count == 0) return null;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        var total = stack(grads.Select(g => g.norm()).ToArray()).norm();   // grads carry no graph: no detach (one op per tensor saved)
        if (maxNorm > 0)
        {
            // Owned Scalars: implicit double → Scalar conversions are left to the finalizer thread (Adam.cs).
            using var max = maxNorm.ToScalar();
            using var eps = 1e-6.ToScalar();
            using var one = 1.0.ToScalar();
            var coef = full_like(total, max).div_(total.add(eps)).clamp_max_(one);
            foreach (var g in grads) g.mul_(coef);
        }
        return total.MoveToOuterDisposeScope();
    }
}
