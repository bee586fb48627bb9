using TorchSharp;
using static TorchSharp.torch;

namespace Research.Models.Gan;

/// <summary>
/// NCSN++ / DDGAN <c>default_init</c>: variance scaling with fan_avg and a uniform distribution (score_sde
/// <c>variance_scaling(scale, "fan_avg", "uniform")</c>). Weights ~ U(−√(3v), √(3v)) with v = scale / ((fan_in + fan_out)/2),
/// fan = channels × receptive field; scale 0 means 1e−10 (a "zero" layer that still breaks symmetry). Biases are zero.
/// </summary>
public static class VarianceScaling
{
    /// <summary>Re-initialises <paramref name="weight"/> <c>[out, in, …kernel]</c> in place and zeroes <paramref name="bias"/>.</summary>
    public static void FanAvgUniform(Tensor weight, Tensor? bias, double scale = 1.0)
    {
        if (weight.dim() < 2) throw new ArgumentException("variance scaling needs a weight of at least 2 dimensions", nameof(weight));
        double s = scale == 0 ? 1e-10 : scale;
        long receptive = 1;
        for (int d = 2; d < weight.dim(); d++) receptive *= weight.shape[d];
        double fanIn = weight.shape[1] * receptive, fanOut = weight.shape[0] * receptive;
        double limit = Math.Sqrt(3 * s / ((fanIn + fanOut) / 2));
        using var _ = no_grad();
        weight.uniform_(-limit, limit);
        bias?.zero_();
    }
}
