using static TorchSharp.torch;

namespace Research.Core.Sampling;

/// <summary>
/// The output layout of an ε-network that learns its reverse variance (improved DDPM, Nichol &amp; Dhariwal, arXiv 2102.09672
/// §3.1): 2C channels along dimension 1, ε̂ in the first C and the interpolation v ∈ [−1, 1] of eq. 15 in the last C (the
/// layout of guided-diffusion's <c>learn_sigma</c> UNets). Both parts are views of the output.
/// </summary>
public static class LearnedSigmaOutput
{
    /// <summary>ε̂: the first half of dimension 1 of <paramref name="output"/> <c>[B, 2C, …]</c>.</summary>
    public static Tensor Eps(Tensor output) => output.narrow(1, 0, Half(output));

    /// <summary>v: the second half of dimension 1 of <paramref name="output"/> <c>[B, 2C, …]</c>.</summary>
    public static Tensor V(Tensor output) => output.narrow(1, Half(output), Half(output));

    private static long Half(Tensor output)
    {
        if (output.dim() < 2 || output.shape[1] % 2 != 0)
            throw new ArgumentException($"a learned-variance output has 2C channels in dimension 1; got shape [{string.Join(", ", output.shape)}]",
                nameof(output));
        return output.shape[1] / 2;
    }
}
