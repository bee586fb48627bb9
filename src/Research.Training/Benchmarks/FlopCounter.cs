using Research.Core.Layers;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Research.Training.Benchmarks;

/// <summary>
/// Counts the floating-point operations of a network's forward pass that run as matrix products: every
/// <see cref="Conv1d"/>, <see cref="Conv2d"/>, <see cref="SafeConv1d"/>, <see cref="SafeConv2d"/> (every spatial convolution of the project's
/// backbones) and <see cref="Linear"/> layer, 2 per multiply-add (a multiply and an add,
/// the convention of GEMM throughput figures), biases, normalisation, activations and attention's two batched products
/// left out (at the project's image sizes they are well under 1 % of the total, so the count is a slight lower bound).
/// </summary>
/// <remarks>
/// Each layer is counted from its output and weight, so padding, stride and groups need no special case: an output element
/// of a convolution takes in/groups · k_h · k_w multiply-adds, which is the weight's element count over out_channels; a
/// linear output element takes in_features. Forward hooks see the layers a <c>call</c> goes through, including those
/// inside custom modules. A training step's backward pass costs about twice the forward (the gradients of the input
/// and of the weights are each one product of the forward's size), so forward + backward ≈ 3 × <see cref="ForwardFlops"/>.
/// </remarks>
public static class FlopCounter
{
    /// <summary>Forward + backward FLOPs per forward FLOP of conv and linear layers (see remarks).</summary>
    public const double ForwardBackwardFactor = 3.0;

    /// <summary>FLOPs of the products in the layers of <paramref name="network"/> while <paramref name="forward"/> runs.</summary>
    public static double ForwardFlops(nn.Module network, Action forward)
    {
        double total = 0;
        var removers = new List<Action>();
        Tensor Count(nn.Module<Tensor, Tensor> layer, Tensor input, Tensor output)
        {
            var weight = layer switch
            {
                Conv1d c => c.weight!,
                Conv2d c => c.weight!,
                SafeConv1d c => c.Weight,    // the real channels: the zero padding to 16 is not useful work
                SafeConv2d c => c.Weight,
                Linear l => l.weight!,
                _ => throw new InvalidOperationException($"no FLOP rule for {layer.GetType().Name}"),
            };
            long outFeatures = weight.shape[0];
            total += 2.0 * output.numel() * (weight.numel() / outFeatures);
            return output;
        }
        foreach (var module in network.named_modules().Select(m => m.module).Prepend(network).Distinct())   // the root too
            if (module is Conv1d or Conv2d or SafeConv1d or SafeConv2d or Linear)
            {
                var hook = ((nn.Module<Tensor, Tensor>)module).register_forward_hook(Count);
                removers.Add(() => hook.remove());
            }
        try { forward(); }
        finally { foreach (var remove in removers) remove(); }
        return total;
    }
}
