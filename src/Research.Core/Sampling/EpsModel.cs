using static TorchSharp.torch;

namespace Research.Core.Sampling;

/// <summary>An ε-prediction network as the shared samplers call it.</summary>
/// <param name="xt">Noisy sample <c>[B, ...]</c>.</param>
/// <param name="t">Step indices of the <em>original</em> (trained) chain <c>[B]</c>, int64.</param>
/// <param name="labels">Class labels <c>[B]</c> for class-conditional models, else null.</param>
/// <returns>ε̂ with the shape of <paramref name="xt"/> (a fresh tensor).</returns>
public delegate Tensor EpsModel(Tensor xt, Tensor t, Tensor? labels);
