using TorchSharp;
using static TorchSharp.torch;

namespace Research.Models.Gan;

/// <summary>
/// The initialisation of every layer of DDGAN's discriminator (Xiao et al., arXiv 2112.07804; official
/// <c>score_sde/models/dense_layer.py</c>, whose <c>dense</c> and <c>conv2d</c> build <c>Discriminator_small</c>), as that
/// code computes it: weights ~ U(−√(3v), √(3v)) with v = scale / fan_out, fan_out = output channels × receptive field;
/// scale 0 means 1e−10 (a "zero" layer that still breaks symmetry); biases zero.
/// </summary>
/// <remarks>
/// <para>The official helper is called with mode <c>"fan_avg"</c>, but its fan function returns fan_in for
/// <c>"fan_in"</c> and fan_out for every other mode, so the discriminator it builds is initialised with fan_out, not
/// (fan_in + fan_out)/2. (The JAX-ported <c>variance_scaling</c> in the same repository's <c>layers.py</c> does average the
/// fans; the discriminator does not use it.) This class matches what the reference computes, not what its names say:
/// the paper's discriminator was trained from that initialisation, and the <c>ddgan-discriminator</c> backbone exists to
/// be that network. At the CIFAR-10 widths the difference is large for the last layer only: <c>end_linear</c> (512 → 1)
/// gets a bound √256.5 ≈ 16× the fan-avg one; the other layers differ by at most about 1.4× either way (start_conv
/// 6 → 128: 0.72×; 3×3 and skip convs 128 → 256 and 256 → 512: 0.87×; dense_t1 256 → 128: 1.22×). docs/ddgan-decisions.md.</para>
/// </remarks>
public static class VarianceScaling
{
    /// <summary>
    /// Re-initialises <paramref name="weight"/> <c>[out, in, …kernel]</c> in place as DDGAN's discriminator does, bound
    /// √(3·scale/fan_out), and zeroes <paramref name="bias"/>.
    /// </summary>
    public static void DdganUniform(Tensor weight, Tensor? bias, double scale = 1.0)
    {
        if (weight.dim() < 2) throw new ArgumentException("variance scaling needs a weight of at least 2 dimensions", nameof(weight));
        double s = scale == 0 ? 1e-10 : scale;
        double limit = Math.Sqrt(3 * s / Math.Max(1.0, FanOut(weight)));
        using var _ = no_grad();
        weight.uniform_(-limit, limit);
        bias?.zero_();
    }

    /// <summary>Output channels × receptive field of <paramref name="weight"/> <c>[out, in, …kernel]</c>.</summary>
    public static double FanOut(Tensor weight)
    {
        long receptive = 1;
        for (int d = 2; d < weight.dim(); d++) receptive *= weight.shape[d];
        return weight.shape[0] * receptive;
    }
}
