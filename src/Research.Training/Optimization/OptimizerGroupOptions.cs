namespace Research.Training.Optimization;

/// <summary>
/// One parameter group's Adam/AdamW options as TorchSharp stores them (<see cref="OptimizerStateFormat"/>): the initial and the
/// current learning rate, β₁, β₂, ε, the weight decay λ, and the amsgrad and maximize flags (Kingma &amp; Ba, arXiv 1412.6980,
/// Algorithm 1).
/// </summary>
public sealed record OptimizerGroupOptions(double InitialLr, double Lr, double Beta1, double Beta2, double Eps, double WeightDecay, bool Amsgrad, bool Maximize);
