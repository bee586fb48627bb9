using Research.Data.TwoD;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Evaluation.TwoD;

/// <summary>
/// Guided accuracy on a 2-D mixture: the fraction of samples whose nearest mode is the requested component
/// (the label of a mixture point is its component index). Ours; the 2-D analogue of ADM's classifier accuracy.
/// </summary>
public static class GuidedAccuracy2D
{
    /// <summary>Fraction in [0, 1] of samples <c>[N, 2]</c> (data space) landing nearest to mode <c>labels[i]</c>.</summary>
    public static double Compute(Tensor samplesDataSpace, Tensor labels, ModeSet2D modes)
    {
        using var scope = NewDisposeScope();
        var means = tensor(modes.Means.SelectMany(m => new[] { m.X, m.Y }).ToArray(), dtype: float64).reshape(modes.Count, 2);
        var x = samplesDataSpace.to(float64).cpu();
        var nearest = cdist(x, means).argmin(1);                               // [N]
        return nearest.eq(labels.cpu()).to(float64).mean().item<double>();
    }
}
