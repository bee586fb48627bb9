using Research.Core.Experiments;
using TorchSharp;
using static TorchSharp.torch;

namespace Research.Training.Optimization;

/// <summary>Builds the optimizer of each network from <c>training.optimizer</c> / <c>training.optimizers.&lt;network&gt;</c>.</summary>
public static class OptimizerFactory
{
    /// <summary>The options that apply to <paramref name="network"/>.</summary>
    public static OptimizerOptions OptionsFor(TrainingOptions training, string network) =>
        training.Optimizers.TryGetValue(network, out var o) ? o : training.Optimizer;

    /// <summary>
    /// Adam or AdamW over the module's parameters: our subclasses of TorchSharp's, bit-identical to them, whose step
    /// owns its Scalars (<see cref="Adam"/>).
    /// </summary>
    public static TorchSharp.Modules.OptimizerHelper Create(nn.Module module, OptimizerOptions o) => o.Type switch
    {
        "adamw" => new AdamW(module.parameters(), o.Lr, o.Beta1, o.Beta2, o.Eps, o.WeightDecay),
        _ => new Adam(module.parameters(), o.Lr, o.Beta1, o.Beta2, o.Eps, o.WeightDecay),
    };
}
