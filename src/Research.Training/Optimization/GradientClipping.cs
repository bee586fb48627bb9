using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Training.Optimization;

/// <summary>
/// Global-norm gradient clipping, g ← g·min(1, c/(‖g‖+1e-6)), without a host–device sync of its own (unlike
/// <c>clip_grad_norm_</c>, which returns the norm as a double). The norm stays a 0-d tensor for logging. The trainer,
/// which reads the norm once per step anyway for the NaN guard, asks <see cref="Scales"/> first and skips the
/// multiplication when the coefficient is exactly 1, so a step whose gradient is within bounds costs one norm and nothing more.
/// </summary>
public static class GradientClipping
{
    private const double Eps = 1e-6;

    /// <summary>The gradients of <paramref name="parameters"/> that exist (wrappers in the caller's dispose scope).</summary>
    public static List<Tensor> Gradients(IEnumerable<Parameter> parameters) =>
        parameters.Select(p => p.grad).Where(g => g is not null).Cast<Tensor>().ToList();

    /// <summary>‖g‖₂ over all of <paramref name="grads"/> as a 0-d tensor the caller owns, or null if there are none.</summary>
    public static Tensor? GlobalNorm(IReadOnlyList<Tensor> grads)
    {
        if (grads.Count == 0) return null;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        // The norm of the per-tensor norms; grads carry no graph, so no detach (one op per tensor saved).
        return stack(grads.Select(g => g.norm()).ToArray()).norm().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Multiplies <paramref name="grads"/> in place by min(1, <paramref name="maxNorm"/>/(<paramref name="total"/>+1e-6)),
    /// computed on the device in float32.
    /// </summary>
    public static void Scale(IReadOnlyList<Tensor> grads, Tensor total, double maxNorm)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        // Owned Scalars: implicit double → Scalar conversions are left to the finalizer thread (Adam.cs).
        using var max = maxNorm.ToScalar();
        using var eps = Eps.ToScalar();
        using var one = 1.0.ToScalar();
        var coef = full_like(total, max).div_(total.add(eps, one)).clamp_max_(one);   // add(Scalar) alone: an implicit alpha
        foreach (var g in grads) g.mul_(coef);
    }

    /// <summary>
    /// Whether <see cref="Scale"/> would change anything for a float32 norm <paramref name="norm"/> read to the host: the
    /// same IEEE single-precision arithmetic as the device's, so false exactly when its coefficient is 1 (and multiplying by
    /// it would leave every gradient bit as it is).
    /// </summary>
    public static bool Scales(float norm, double maxNorm) => (float)maxNorm / (norm + (float)Eps) < 1f;

    /// <summary>Clips in place; returns the total norm (a 0-d tensor the caller owns) or null if no gradients.</summary>
    public static Tensor? ClipByGlobalNorm(IEnumerable<Parameter> parameters, double maxNorm)
    {
        var grads = Gradients(parameters);
        var total = GlobalNorm(grads);
        if (total is not null && maxNorm > 0) Scale(grads, total, maxNorm);
        return total;
    }
}
